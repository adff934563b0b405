using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Policy;

/// <summary>GPU time one past cycle used, for the compute budget.</summary>
public sealed record CycleUsage(DateTimeOffset At, double GpuHours);

/// <summary>
/// The champion measured on the labelled tiles that arrived since the last cycle, against its validation AP.
/// <see cref="DropInterval"/> is the bootstrap interval of (validation AP − AP on new tiles); see
/// <see cref="PerformanceDriftEstimator"/>.
/// </summary>
public sealed record ChampionDrift(double ValidationAp, double NewTilesAp, int NewTiles, ConfidenceInterval DropInterval)
{
    public double Drop => ValidationAp - NewTilesAp;
}

/// <summary>
/// Everything the retrain policy looks at, gathered by the orchestrator's activity. The policy is a pure function
/// of this record and the options, so a Durable orchestrator can replay it, and it round-trips through JSON.
/// </summary>
public sealed record PolicyInput
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>When the last cycle started; null before the first.</summary>
    public DateTimeOffset? LastCycleAt { get; init; }

    public bool HasChampion { get; init; }

    /// <summary>Labelled tiles in the champion's training set.</summary>
    public int TrainingTiles { get; init; }

    /// <summary>Objects per class in the champion's training set.</summary>
    public IReadOnlyDictionary<string, int> TrainingClassCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Labelled tiles that arrived since the last cycle.</summary>
    public int NewLabelledTiles { get; init; }

    /// <summary>Objects per class among the labels that arrived since the last cycle.</summary>
    public IReadOnlyDictionary<string, int> NewClassCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Objects per class of the latest arrivals alone (e.g. the last batch). A shift that starts after
    /// several quiet batches is diluted in <see cref="NewClassCounts"/>; in the latest arrivals it shows at once.</summary>
    public IReadOnlyDictionary<string, int>? LatestClassCounts { get; init; }

    /// <summary>Objects per class of the labels that were new to the previous cycle: a shift the previous cycle
    /// already trained on is not raised again.</summary>
    public IReadOnlyDictionary<string, int>? PreviousNewClassCounts { get; init; }

    /// <summary>The champion on the new tiles; null when not measured (no champion, or too few new tiles).</summary>
    public ChampionDrift? Drift { get; init; }

    /// <summary>Past cycles with their GPU use (at least those inside the budget window).</summary>
    public IReadOnlyList<CycleUsage> RecentCycles { get; init; } = [];

    /// <summary>What the next cycle is expected to use.</summary>
    public double EstimatedGpuHoursPerCycle { get; init; } = 1;
}
