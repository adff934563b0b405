using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Orchestration.Contracts;

/// <summary>The decision activity's answer: retrain (with the candidates to train) or wait.</summary>
public sealed record RetrainDecision(
    bool Retrain,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<TrainingConfig> Candidates,
    DateTimeOffset? NextCheck = null);

/// <summary>What made the manager ask: arrivals (batched), the periodic timer, or an operator's command.</summary>
public enum DecisionTrigger { Timer, Arrivals, Command }

/// <summary>
/// Input of the decision. <see cref="NextCycleId"/> is the id the cycle will get if the decision is to retrain (unique per
/// attempt: the manager draws it with a replay-safe GUID). Performance drift is scored only on the timer path and cached
/// per champion and ledger version; arrivals and commands use the cached value.
/// </summary>
public sealed record DecideInput(ManagerState State, DateTimeOffset Now, DecisionTrigger Trigger = DecisionTrigger.Timer,
    string? NextCycleId = null);

/// <summary>Input of one training cycle (a sub-orchestration of the manager, instance id = cycle id).</summary>
public sealed record CycleRequest(
    string Project,
    string CycleId,
    IReadOnlyList<string> TriggerReasons,
    IReadOnlyList<TrainingConfig> Candidates,
    string? ChampionModelId,
    ManagerConfig Config);

/// <summary>The prepared data of a cycle: the snapshot and, per candidate, its sample-weights file.</summary>
public sealed record PreparedCycle(string SnapshotId, string SnapshotKey, int TrainTiles, int ValidationTiles,
    IReadOnlyList<string?> WeightsKeys);

public sealed record PrepareInput(CycleRequest Request, DateTimeOffset Now);

/// <summary>One candidate's training job, followed by the monitor sub-orchestration.</summary>
public sealed record TrainingJobInput(
    string CycleId,
    string Candidate,
    string SnapshotKey,
    string? BaseModelId,
    string? WeightsKey,
    TrainingConfig Config,
    ManagerConfig Manager);

public sealed record TrainingJobResult(string Candidate, string JobId, string ModelId, bool Succeeded, string? Error,
    double TrainSeconds, IReadOnlyDictionary<string, double> Metrics);

public sealed record ScoreInput(string CycleId, string SnapshotKey, IReadOnlyList<string> CandidateModelIds, string? ChampionModelId);

/// <summary>Scores on the validation split and the gate's verdict.</summary>
public sealed record GateVerdict(bool Promote, string? BestCandidateModelId, IReadOnlyList<string> Reasons,
    IReadOnlyDictionary<string, double> CandidateMetrics, IReadOnlyDictionary<string, double> ChampionMetrics);

public sealed record RecordInput(CycleRequest Request, CycleRecord Record, IReadOnlyList<TrainingJobResult> Jobs, GateVerdict? Verdict);

public sealed record CycleResult(string CycleId, CycleStatus Status, IReadOnlyList<string> Reasons, string? ChampionModelId,
    double? CandidateMap, DateTimeOffset StartedAt, DateTimeOffset EndedAt);
