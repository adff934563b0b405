namespace AutoRetrain.Core.Cycles;

public enum CycleStatus { Pending, Preparing, Training, Scoring, Promoted, Rejected, Failed }

/// <summary>Training configuration of one cycle (or of one candidate within it).</summary>
public sealed record TrainingConfig
{
    public string Sampler { get; init; } = "uniform";
    public int Epochs { get; init; } = 10;
    public double LearningRate { get; init; } = 1e-3;
    public int Seed { get; init; } = 42;
    public string Architecture { get; init; } = "centernet-tiny";

    /// <summary>Chip size the detector trains on (pixels, a multiple of 16).</summary>
    public int InputSize { get; init; } = 256;

    /// <summary>Wall-clock cap on one training, in seconds; null trains all epochs (early stopping aside).</summary>
    public double? TimeBudgetSeconds { get; init; }

    /// <summary>Epochs without a better validation mAP before training stops; null keeps the trainer's default.</summary>
    public int? Patience { get; init; }

    /// <summary>A training warm-started from the champion runs this fraction of <see cref="Epochs"/>; null keeps the
    /// trainer's fine-tuning default (a third). 1 trains warm runs on the cold schedule.</summary>
    public double? WarmStartEpochFraction { get; init; }

    /// <summary>A warm-started training's peak learning rate as a fraction of <see cref="LearningRate"/>; null keeps
    /// the trainer's default (0.5).</summary>
    public double? WarmStartLearningRateFactor { get; init; }

    /// <summary>Decay of the moving average of the weights the trainer evaluates and saves; 0 keeps the live weights,
    /// null the trainer's default (0.99).</summary>
    public double? WeightAverageDecay { get; init; }
}

/// <summary>One retraining cycle from trigger to decision. DESIGN.md, "Data contracts".</summary>
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
