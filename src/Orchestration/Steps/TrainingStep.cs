using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The training phase: submits a candidate's job to the backend, reads its status, cancels it, and registers the
/// trained model (with lineage) once the job completed.
/// </summary>
public sealed class TrainingStep(IArtifactStore store, ITrainingBackend backend, IModelRegistryStore registryStore)
{
    private readonly ModelRegistry _registry = new(registryStore);

    public async Task<string> SubmitAsync(TrainingJobInput input, CancellationToken ct)
    {
        var baseModel = input.BaseModelId is { } id ? await _registry.GetAsync(id, ct) : null;
        string configKey = CycleKeys.TrainingConfig(input.CycleId, input.Candidate);
        await store.PutAsync(Containers.Runs, configKey, Encoding.UTF8.GetBytes(Json.Serialize(input.Config)), overwrite: true, ct);
        return await backend.SubmitAsync(new TrainingJobSpec
        {
            ConfigKey = configKey,
            CycleId = input.CycleId,
            Candidate = input.Candidate,
            SnapshotKey = input.SnapshotKey,
            BaseModelKey = baseModel?.ArtifactKey,
            WeightsKey = input.WeightsKey,
            OutputModelKey = CycleKeys.Model(input.CycleId, input.Candidate),
            Config = input.Config,
        }, ct);
    }

    public Task<TrainingJobStatus> GetStatusAsync(string jobId, CancellationToken ct) => backend.GetStatusAsync(jobId, ct);

    public Task CancelAsync(string jobId, CancellationToken ct) => backend.CancelAsync(jobId, ct);

    public async Task<TrainingJobResult> CollectAsync(CollectInput input, CancellationToken ct)
    {
        string modelKey = CycleKeys.Model(input.Job.CycleId, input.Job.Candidate);
        var metadata = await ReadMetadataAsync(modelKey, ct);
        var metrics = metadata.FiniteMetrics;
        var version = await _registry.RegisterAsync(new ModelVersion
        {
            Id = CycleKeys.ModelId(input.Job.CycleId, input.Job.Candidate),
            ParentModelId = input.Job.BaseModelId,
            SnapshotId = CycleKeys.SnapshotIdOf(input.Job.SnapshotKey),
            CycleId = input.Job.CycleId,
            CreatedAt = DateTimeOffset.UtcNow,
            Classes = metadata.Classes,
            ArtifactKey = modelKey,
            Config = input.Job.Config,
            Metrics = metrics,
        }, ct);
        return new TrainingJobResult(input.Job.Candidate, input.JobId, version.Id, true, null, input.TrainSeconds, metrics);
    }

    private async Task<TrainedModelMetadata> ReadMetadataAsync(string modelKey, CancellationToken ct)
    {
        string key = CycleKeys.ModelFile(modelKey, TrainerOutputs.Metadata);
        var bytes = await store.GetAsync(Containers.Models, key, ct)
            ?? throw new AutoRetrainException($"training finished but {Containers.Models}/{key} is missing: the trainer wrote no model.");
        return Json.Deserialize<TrainedModelMetadata>(Encoding.UTF8.GetString(bytes), $"{Containers.Models}/{key}");
    }
}
