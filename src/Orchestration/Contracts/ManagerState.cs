namespace AutoRetrain.Orchestration.Contracts;

/// <summary>What arrived since the last cycle started: the counts the retrain policy needs.</summary>
public sealed record PendingCounts
{
    public int NewTiles { get; init; }
    public int NewTrainTiles { get; init; }
    public int NewValidationTiles { get; init; }
    public int Relabelled { get; init; }
    public IReadOnlyDictionary<string, int> NewObjectsPerClass { get; init; } = new Dictionary<string, int>();

    /// <summary>Objects per class of the latest batch alone: a shift that starts after quiet batches shows here at once.</summary>
    public IReadOnlyDictionary<string, int> LatestObjectsPerClass { get; init; } = new Dictionary<string, int>();
    public int Batches { get; init; }

    public bool IsEmpty => NewTiles == 0 && Relabelled == 0;

    public PendingCounts Add(TilesRegistered t)
    {
        // A batch without counts only woke a manager whose rebuilt counts already hold it (ArrivalNotifier).
        if (t.NewTiles == 0 && t.Relabelled == 0) return this;
        var perClass = new Dictionary<string, int>(NewObjectsPerClass);
        foreach (var (cls, n) in t.NewObjectsPerClass) perClass[cls] = perClass.GetValueOrDefault(cls) + n;
        return new PendingCounts
        {
            NewTiles = NewTiles + t.NewTiles,
            NewTrainTiles = NewTrainTiles + t.NewTrainTiles,
            NewValidationTiles = NewValidationTiles + t.NewValidationTiles,
            Relabelled = Relabelled + t.Relabelled,
            NewObjectsPerClass = perClass,
            LatestObjectsPerClass = t.NewObjectsPerClass,
            Batches = Batches + 1,
        };
    }
}

/// <summary>A finished cycle as the manager remembers it.</summary>
public sealed record CycleSummary(string CycleId, string Outcome, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    IReadOnlyList<string> Reasons, double? CandidateMap, string? ChampionModelId);

/// <summary>The cycle manager's whole state; it is the orchestration's input across ContinueAsNew.</summary>
public sealed record ManagerState
{
    public required string Project { get; init; }
    public ManagerConfig Config { get; init; } = new();
    public bool Paused { get; init; }
    public PendingCounts Pending { get; init; } = new();

    /// <summary>What was pending when the last cycle started (what it trained on as new); null before the first
    /// cycle and after a restart. The policy does not raise again a class shift that cycle already answered.</summary>
    public PendingCounts? PreviousCyclePending { get; init; }
    public int CyclesStarted { get; init; }
    public DateTimeOffset? LastCycleAt { get; init; }
    public string? ChampionModelId { get; init; }
    public string? ForceReason { get; init; }
    public IReadOnlyList<CycleSummary> RecentCycles { get; init; } = [];

    /// <summary>Batch ids already counted (bounded), so a redelivered event is not counted twice.</summary>
    public IReadOnlyList<string> RecentBatchIds { get; init; } = [];

    /// <summary>
    /// A cycle that was running when the host stopped, to run again under the same id before anything else.
    /// Its steps are idempotent: the frozen snapshot is reused, a finished training is not repeated, and a
    /// promotion already made is found made.
    /// </summary>
    public CycleRequest? ResumeCycle { get; init; }

    /// <summary>
    /// True once the state was rebuilt from the stores (<see cref="Recovery.ManagerStateRecovery"/>); a manager started
    /// blank (first blob event, API call, restart after a deletion) recovers before anything else.
    /// </summary>
    public bool Recovered { get; init; }

    /// <summary>Tiles (new or relabelled) counted since the last decision, and when the debounce window closes.</summary>
    public int UndecidedTiles { get; init; }
    public DateTimeOffset? DecideBy { get; init; }

    /// <summary>When the timer path (staleness, cooldown expiry, drift) asks the policy next.</summary>
    public DateTimeOffset? NextCheckAt { get; init; }

    /// <summary>Decisions whose activity failed past its retries; the manager records them and goes on.</summary>
    public int DecisionFailures { get; init; }

    public long SignalsReceived { get; init; }
    public int Generation { get; init; }

    /// <summary>The orchestration version this generation runs (<see cref="OrchestrationVersions"/>); empty when started unversioned.</summary>
    public string? Version { get; init; }
    public string? LastDecision { get; init; }
    public IReadOnlyList<string> LastDecisionReasons { get; init; } = [];
}
