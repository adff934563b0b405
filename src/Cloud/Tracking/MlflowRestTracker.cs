using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Cloud.Tracking;

/// <summary>
/// Experiment tracking through the MLflow REST API (2.0) of the Azure ML workspace
/// (<c>https://&lt;region&gt;.api.azureml.ms/mlflow/v1.0/subscriptions/.../workspaces/&lt;name&gt;</c>), so cycles show in Azure ML
/// studio next to the training jobs. Params, metrics and tags go through <c>runs/log-batch</c> within its limits.
/// Artifacts are written to the pipeline's <c>runs</c> container under <c>mlflow/&lt;run-id&gt;/</c> (the workspace's
/// artifact store is reachable only through the Azure ML SDK) and the run is tagged with that location.
/// </summary>
public sealed class MlflowRestTracker(AzureRestClient rest, AzureMachineLearningOptions options, IArtifactStore store) : IExperimentTracker
{
    public const string ArtifactLocationTag = "autoretrain.artifacts";
    private const int MaxParamsPerBatch = 100;
    private const int MaxTagsPerBatch = 100;
    private const int MaxMetricsPerBatch = 1000;

    private readonly ConcurrentDictionary<string, string> _experimentIds = new();

    public async Task<string> StartRunAsync(string experiment, string runName, DateTimeOffset startTime, CancellationToken ct = default)
    {
        string experimentId = await ExperimentIdAsync(experiment, ct);
        var (_, body) = await rest.SendAsync(HttpMethod.Post, Url("runs/create"), new JsonObject
        {
            ["experiment_id"] = experimentId,
            ["run_name"] = runName,
            ["start_time"] = startTime.ToUnixTimeMilliseconds(),
            ["tags"] = new JsonArray(Tag("mlflow.runName", runName), Tag("mlflow.source.type", "JOB"), Tag("mlflow.user", "autoretrain")),
        }, ct);
        string runId = body?["run"]?["info"]?["run_id"]?.GetValue<string>()
            ?? throw new AutoRetrainException($"MLflow runs/create for experiment \"{experiment}\" returned no run id.");
        await SetTagsAsync(runId, new Dictionary<string, string> { [ArtifactLocationTag] = $"{Containers.Runs}/{ArtifactPrefix(runId)}" }, ct);
        return runId;
    }

    public async Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default)
    {
        foreach (var chunk in parameters.Chunk(MaxParamsPerBatch))
            await LogBatchAsync(runId, "params", new JsonArray([.. chunk.Select(p => Tag(p.Key, p.Value))]), ct);
    }

    public async Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken ct = default)
    {
        // JSON has no NaN or infinity: such points (a diverged loss) are left out rather than failing the whole batch.
        foreach (var chunk in metrics.Where(m => double.IsFinite(m.Value)).Chunk(MaxMetricsPerBatch))
            await LogBatchAsync(runId, "metrics", new JsonArray([.. chunk.Select(m => (JsonNode)new JsonObject
            {
                ["key"] = m.Key,
                ["value"] = m.Value,
                ["timestamp"] = m.Timestamp.ToUnixTimeMilliseconds(),
                ["step"] = m.Step,
            })]), ct);
    }

    public async Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default)
    {
        foreach (var chunk in tags.Chunk(MaxTagsPerBatch))
            await LogBatchAsync(runId, "tags", new JsonArray([.. chunk.Select(t => Tag(t.Key, t.Value))]), ct);
    }

    public async Task LogArtifactAsync(string runId, string relativePath, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        StoreKeys.EnsureSafe(relativePath);
        await store.PutAsync(Containers.Runs, $"{ArtifactPrefix(runId)}{relativePath}", content, overwrite: true, ct);
    }

    public async Task EndRunAsync(string runId, TrackedRunStatus status, DateTimeOffset endTime, CancellationToken ct = default) =>
        await rest.SendAsync(HttpMethod.Post, Url("runs/update"), new JsonObject
        {
            ["run_id"] = runId,
            ["status"] = status switch
            {
                TrackedRunStatus.Running => "RUNNING",
                TrackedRunStatus.Finished => "FINISHED",
                TrackedRunStatus.Failed => "FAILED",
                _ => "KILLED",
            },
            ["end_time"] = endTime.ToUnixTimeMilliseconds(),
        }, ct);

    private async Task<string> ExperimentIdAsync(string name, CancellationToken ct)
    {
        if (_experimentIds.TryGetValue(name, out var cached)) return cached;
        string id = await FindExperimentAsync(name, ct) ?? await CreateExperimentAsync(name, ct);
        _experimentIds[name] = id;
        return id;
    }

    private async Task<string?> FindExperimentAsync(string name, CancellationToken ct)
    {
        var (status, body) = await rest.SendAsync(HttpMethod.Get,
            Url($"experiments/get-by-name", $"experiment_name={Uri.EscapeDataString(name)}"), null, ct);
        return status == HttpStatusCode.NotFound ? null : body?["experiment"]?["experiment_id"]?.GetValue<string>();
    }

    private async Task<string> CreateExperimentAsync(string name, CancellationToken ct)
    {
        try
        {
            var (_, body) = await rest.SendAsync(HttpMethod.Post, Url("experiments/create"), new JsonObject { ["name"] = name }, ct);
            return body?["experiment_id"]?.GetValue<string>()
                ?? throw new AutoRetrainException($"MLflow experiments/create \"{name}\" returned no experiment id.");
        }
        catch (AutoRetrainException)
        {
            // Another worker may have created it between our lookup and our create (RESOURCE_ALREADY_EXISTS).
            if (await FindExperimentAsync(name, ct) is { } createdMeanwhile) return createdMeanwhile;
            throw;
        }
    }

    private Task LogBatchAsync(string runId, string field, JsonArray items, CancellationToken ct) =>
        rest.SendAsync(HttpMethod.Post, Url("runs/log-batch"), new JsonObject { ["run_id"] = runId, [field] = items }, ct);

    private static string ArtifactPrefix(string runId) => $"mlflow/{runId}/";

    private static JsonNode Tag(string key, string value) => new JsonObject { ["key"] = key, ["value"] = value };

    private string Url(string method, string? query = null) =>
        $"{options.MlflowTrackingUri}/api/2.0/mlflow/{method}{(query is null ? "" : "?" + query)}";
}
