namespace AutoRetrain.Core.Policy.Simulation;

/// <summary>The policy's decision at one batch, and the champion after it.</summary>
public sealed record SimulatedDecision
{
    public required int Batch { get; init; }
    public required DateTimeOffset At { get; init; }
    public required bool Retrain { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
    public IReadOnlyList<PolicySignal> Signals { get; init; } = [];
    public DateTimeOffset? NextCheck { get; init; }
    public int NewLabelledTiles { get; init; }
    public double? ChampionValidationAp { get; init; }
}

/// <summary>A drift event and the batch whose cycle answered it (null: never answered within the stream).</summary>
public sealed record AnsweredDriftEvent(int Batch, DriftKind Kind, string Class, int? AnsweredAtBatch, int Staleness);

/// <summary>What <c>autoretrain policy-sim --json</c> prints.</summary>
public sealed record PolicySimulationResult
{
    public required int Batches { get; init; }
    public required int Seed { get; init; }

    /// <summary>Cycles the policy started.</summary>
    public required int Trainings { get; init; }

    /// <summary>Cycles a retrain-on-every-batch rule would start (every batch with labels).</summary>
    public required int EveryBatchTrainings { get; init; }

    /// <summary>Cycles a fixed schedule (every <see cref="FixedScheduleEvery"/> batches) would start.</summary>
    public required int FixedScheduleTrainings { get; init; }

    public required int FixedScheduleEvery { get; init; }

    /// <summary>The worst delay of the fixed schedule, in batches, between a drift event and the cycle answering it.</summary>
    public required int FixedScheduleMaxStaleness { get; init; }

    /// <summary>The worst delay of the policy, in batches, between a drift event and the cycle answering it.</summary>
    public required int MaxStaleness { get; init; }

    public required IReadOnlyList<AnsweredDriftEvent> DriftEvents { get; init; }
    public required IReadOnlyList<SimulatedDecision> Decisions { get; init; }
}
