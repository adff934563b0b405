using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Core.Ports;

/// <summary>What one training job is asked to do. Keys point into the artifact store's containers.</summary>
public sealed record TrainingJobSpec
{
    public required string CycleId { get; init; }

    /// <summary>Name of this candidate within the cycle ("uniform", "repeat-factor", ...).</summary>
    public required string Candidate { get; init; }

    /// <summary>Snapshot manifest key in <c>datasets</c>.</summary>
    public required string SnapshotKey { get; init; }

    /// <summary>Artefact folder of the model to warm-start from, in <c>models</c>; null trains from scratch.</summary>
    public string? BaseModelKey { get; init; }

    /// <summary>Per-tile sample weights file in <c>runs</c>; null means uniform.</summary>
    public string? WeightsKey { get; init; }

    /// <summary>Artefact folder the trainer writes to, in <c>models</c>.</summary>
    public required string OutputModelKey { get; init; }

    public required TrainingConfig Config { get; init; }

    /// <summary>The same configuration as a JSON file in <c>runs</c>, which the trainer reads with <c>--config</c>.</summary>
    public string? ConfigKey { get; init; }
}

public enum TrainingJobState { Queued, Running, Completed, Failed, Canceled }

/// <summary>A job's state as the backend reports it; polled by the training cycle's monitor.</summary>
public sealed record TrainingJobStatus(
    string JobId,
    TrainingJobState State,
    double Progress = 0,
    string? Message = null,
    IReadOnlyDictionary<string, double>? Metrics = null)
{
    public bool IsTerminal => State is TrainingJobState.Completed or TrainingJobState.Failed or TrainingJobState.Canceled;
}

/// <summary>
/// Where training runs: a child process on this machine locally, an Azure ML command job in the cloud.
/// Submit returns at once; the orchestration follows the job with durable timers.
/// </summary>
public interface ITrainingBackend
{
    Task<string> SubmitAsync(TrainingJobSpec spec, CancellationToken ct = default);

    Task<TrainingJobStatus> GetStatusAsync(string jobId, CancellationToken ct = default);

    Task CancelAsync(string jobId, CancellationToken ct = default);
}
