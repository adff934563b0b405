using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration;

/// <summary>
/// The work behind the activities. Orchestrators never do I/O; activities call these steps, which are built
/// from the ports (store, ledgers, training backend, tracker, registry), so one implementation serves both hosts.
/// Every step is idempotent: an activity may run more than once (retries, restarts).
/// </summary>
public interface ICycleSteps
{
    /// <summary>The manager's state rebuilt from the stores (<see cref="Recovery.ManagerStateRecovery"/>), on top of <paramref name="seed"/>.</summary>
    Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct);

    Task<RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct);

    Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct);

    Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct);

    Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct);

    Task CancelTrainingAsync(string jobId, CancellationToken ct);

    /// <summary>Registers the trained model (with lineage) once its job completed.</summary>
    Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct);

    Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct);

    /// <summary>Moves the champion pointer with a conditional write; returns the champion afterwards.</summary>
    Task<string> PromoteAsync(PromoteInput input, CancellationToken ct);

    /// <summary>Saves the cycle record (upsert by id); with a final status, also tracking, sample ledger and report.</summary>
    Task RecordAsync(RecordInput input, CancellationToken ct);
}

public sealed record CollectInput(TrainingJobInput Job, string JobId, double TrainSeconds);

public sealed record PromoteInput(string CycleId, string ModelId, string? ExpectedChampionId);
