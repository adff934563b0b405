using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Recovery;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The real cycle steps, built only from ports, so the local and the cloud host share them. A thin facade over one class
/// per phase — <see cref="DecisionStep"/>, <see cref="PreparationStep"/>, <see cref="TrainingStep"/>, <see cref="GateStep"/>,
/// <see cref="RecordingStep"/> (with <see cref="LabelRankingStep"/>) — so the activities and both hosts keep one
/// <see cref="ICycleSteps"/> to resolve. Every step is idempotent.
/// </summary>
public sealed class CycleSteps(
    IArtifactStore store,
    ITileLedger ledger,
    ICycleStore cycles,
    ITrainingBackend backend,
    IModelPredictor predictor,
    IExperimentTracker tracker,
    IModelRegistryStore registryStore,
    ISampleLedgerStore sampleLedger,
    CycleStepsOptions options,
    ICycleObserver? observer = null) : ICycleSteps
{
    private readonly ManagerStateRecovery _recovery = new(store, ledger, cycles, registryStore);
    private readonly DecisionStep _decision = new(store, ledger, cycles, predictor, registryStore, options);
    private readonly PreparationStep _preparation = new(store, ledger, registryStore, sampleLedger);
    private readonly TrainingStep _training = new(store, backend, registryStore);
    private readonly GateStep _gate = new(store, ledger, predictor, registryStore, options);
    private readonly RecordingStep _recording = new(store, cycles, tracker, registryStore, sampleLedger,
        new LabelRankingStep(store, ledger, registryStore, predictor), options, observer);

    public Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct) => _recovery.RecoverAsync(seed, ct);

    public Task<RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct) => _decision.DecideAsync(input, ct);

    public Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct) => _preparation.PrepareAsync(input, ct);

    public Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct) => _training.SubmitAsync(input, ct);

    public Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct) => _training.GetStatusAsync(jobId, ct);

    public Task CancelTrainingAsync(string jobId, CancellationToken ct) => _training.CancelAsync(jobId, ct);

    public Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct) => _training.CollectAsync(input, ct);

    public Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct) => _gate.ScoreAndGateAsync(input, ct);

    public Task<string> PromoteAsync(PromoteInput input, CancellationToken ct) => _gate.PromoteAsync(input, ct);

    public Task RecordAsync(RecordInput input, CancellationToken ct) => _recording.RecordAsync(input, ct);
}
