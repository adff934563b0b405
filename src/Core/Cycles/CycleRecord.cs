namespace AutoRetrain.Core.Cycles;

public enum CycleStatus { Pending, Preparing, Training, Scoring, Promoted, Rejected, Failed }

/// <summary>
/// One retraining cycle from trigger to decision: its reasons, snapshot, base model, configuration, backend job,
/// status (Pending → Preparing → Training → Scoring → Promoted | Rejected | Failed), metrics and durations.
/// </summary>
public sealed record CycleRecord
{
    public required string Id { get; init; }
    public required string Project { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public IReadOnlyList<string> TriggerReasons { get; init; } = [];
    public string? SnapshotId { get; init; }
    public string? BaseModelId { get; init; }
    public TrainingConfig Config { get; init; } = new();
    public string? BackendJobId { get; init; }
    public CycleStatus Status { get; init; } = CycleStatus.Pending;

    /// <summary>Named metrics of the candidate (mAP, AP50, per-class as <c>AP50/&lt;class&gt;</c>, ...).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Seconds per phase (prepare, train, score, record).</summary>
    public IReadOnlyDictionary<string, double> DurationsSeconds { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<string> DecisionReasons { get; init; } = [];
    public string? CandidateModelId { get; init; }
    public string? FailureCause { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    public bool IsFinished => Status is CycleStatus.Promoted or CycleStatus.Rejected or CycleStatus.Failed;
}
