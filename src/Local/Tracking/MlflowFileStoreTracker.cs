using System.Globalization;
using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Local.Tracking;

/// <summary>
/// Writes MLflow's file-store layout so that <c>mlflow ui --backend-store-uri ./mlruns</c> browses it:
/// <c>mlruns/&lt;experiment-id&gt;/meta.yaml</c> and <c>mlruns/&lt;experiment-id&gt;/&lt;run-id&gt;/{meta.yaml, params/, metrics/,
/// tags/, artifacts/}</c>, one file per param/tag holding its value, metric files with lines
/// <c>timestamp value step</c> (milliseconds since the epoch).
/// </summary>
public sealed class MlflowFileStoreTracker : IExperimentTracker
{
    private readonly string _root;
    private readonly object _gate = new();

    public MlflowFileStoreTracker(string mlrunsFolder)
    {
        _root = Path.GetFullPath(mlrunsFolder);
        Directory.CreateDirectory(_root);
        // MLflow expects the default experiment 0 to exist.
        if (!File.Exists(Path.Combine(_root, "0", "meta.yaml")))
            WriteExperimentMeta("0", "Default", DateTimeOffset.UtcNow);
    }

    public Task<string> StartRunAsync(string experiment, string runName, DateTimeOffset startTime, CancellationToken ct = default)
    {
        string experimentId;
        lock (_gate) experimentId = FindExperiment(experiment) ?? CreateExperiment(experiment, startTime);
        string runId = Guid.NewGuid().ToString("N");
        string runDir = Path.Combine(_root, experimentId, runId);
        foreach (var sub in new[] { "params", "metrics", "tags", "artifacts" })
            Directory.CreateDirectory(Path.Combine(runDir, sub));
        WriteRunMeta(runDir, experimentId, runId, runName, startTime, endTime: null, status: 1);
        WriteValue(Path.Combine(runDir, "tags"), "mlflow.runName", runName);
        WriteValue(Path.Combine(runDir, "tags"), "mlflow.user", "autoretrain");
        WriteValue(Path.Combine(runDir, "tags"), "mlflow.source.type", "JOB");
        return Task.FromResult(runId);
    }

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default)
    {
        string dir = Path.Combine(RunDir(runId), "params");
        foreach (var (key, value) in parameters) WriteValue(dir, key, value);
        return Task.CompletedTask;
    }

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken ct = default)
    {
        string dir = Path.Combine(RunDir(runId), "metrics");
        foreach (var m in metrics)
        {
            string path = SafePath(dir, m.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
                $"{m.Timestamp.ToUnixTimeMilliseconds()} {m.Value:R} {m.Step}\n"));
        }
        return Task.CompletedTask;
    }

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default)
    {
        string dir = Path.Combine(RunDir(runId), "tags");
        foreach (var (key, value) in tags) WriteValue(dir, key, value);
        return Task.CompletedTask;
    }

    public async Task LogArtifactAsync(string runId, string relativePath, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        string path = SafePath(Path.Combine(RunDir(runId), "artifacts"), relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content.ToArray(), ct);
    }

    public Task EndRunAsync(string runId, TrackedRunStatus status, DateTimeOffset endTime, CancellationToken ct = default)
    {
        string runDir = RunDir(runId);
        var meta = ReadYaml(Path.Combine(runDir, "meta.yaml"));
        WriteRunMeta(runDir, meta["experiment_id"].Trim('\''), runId, meta["run_name"],
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(meta["start_time"], CultureInfo.InvariantCulture)), endTime,
            status switch
            {
                TrackedRunStatus.Running => 1,
                TrackedRunStatus.Finished => 3,
                TrackedRunStatus.Failed => 4,
                _ => 5,
            });
        return Task.CompletedTask;
    }

    /// <summary>The run folder; runs are found by id across experiments, as MLflow's own file store does.</summary>
    public string RunDir(string runId)
    {
        foreach (var experimentDir in Directory.EnumerateDirectories(_root))
        {
            string candidate = Path.Combine(experimentDir, runId);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new AutoRetrainException($"MLflow run {runId} not found under {_root}.");
    }

    public string? FindExperiment(string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            string meta = Path.Combine(dir, "meta.yaml");
            if (File.Exists(meta) && ReadYaml(meta).GetValueOrDefault("name") == name) return Path.GetFileName(dir);
        }
        return null;
    }

    private string CreateExperiment(string name, DateTimeOffset at)
    {
        int next = Directory.EnumerateDirectories(_root)
            .Select(d => int.TryParse(Path.GetFileName(d), out int id) ? id : 0).DefaultIfEmpty(0).Max() + 1;
        string id = next.ToString(CultureInfo.InvariantCulture);
        WriteExperimentMeta(id, name, at);
        return id;
    }

    private void WriteExperimentMeta(string id, string name, DateTimeOffset at)
    {
        string dir = Path.Combine(_root, id);
        Directory.CreateDirectory(dir);
        long ms = at.ToUnixTimeMilliseconds();
        File.WriteAllText(Path.Combine(dir, "meta.yaml"), $"""
            artifact_location: {new Uri(dir + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/')}
            creation_time: {ms}
            experiment_id: '{id}'
            last_update_time: {ms}
            lifecycle_stage: active
            name: {name}

            """);
    }

    private static void WriteRunMeta(string runDir, string experimentId, string runId, string runName,
        DateTimeOffset start, DateTimeOffset? endTime, int status)
    {
        string artifacts = new Uri(Path.Combine(runDir, "artifacts") + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');
        File.WriteAllText(Path.Combine(runDir, "meta.yaml"), $"""
            artifact_uri: {artifacts}
            end_time: {(endTime is { } e ? e.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "null")}
            entry_point_name: ''
            experiment_id: '{experimentId}'
            lifecycle_stage: active
            run_id: {runId}
            run_name: {runName}
            run_uuid: {runId}
            source_name: ''
            source_type: 4
            source_version: ''
            start_time: {start.ToUnixTimeMilliseconds()}
            status: {status}
            tags: []
            user_id: autoretrain

            """);
    }

    private static Dictionary<string, string> ReadYaml(string path) =>
        File.ReadAllLines(path)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());

    private static void WriteValue(string dir, string key, string value)
    {
        string path = SafePath(dir, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, value, new UTF8Encoding(false));
    }

    /// <summary>MLflow keys may contain '/', which the file store turns into folders; nothing may escape the run.</summary>
    private static string SafePath(string dir, string key)
    {
        StoreKeys.EnsureSafe(key);
        return Path.Combine(dir, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
