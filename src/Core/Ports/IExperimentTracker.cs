namespace AutoRetrain.Core.Ports;

public sealed record MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);

public enum TrackedRunStatus { Running, Finished, Failed, Killed }

/// <summary>
/// Experiment tracking with MLflow's model: experiments, runs, params, metrics with steps, tags, artifacts.
/// The MLflow file store locally, the Azure ML workspace's MLflow REST API in the cloud.
/// </summary>
public interface IExperimentTracker
{
    Task<string> StartRunAsync(string experiment, string runName, DateTimeOffset startTime, CancellationToken ct = default);

    Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default);

    Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken ct = default);

    Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default);

    Task LogArtifactAsync(string runId, string relativePath, ReadOnlyMemory<byte> content, CancellationToken ct = default);

    Task EndRunAsync(string runId, TrackedRunStatus status, DateTimeOffset endTime, CancellationToken ct = default);
}
