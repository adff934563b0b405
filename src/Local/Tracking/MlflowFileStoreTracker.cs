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
/// <list type="bullet">
/// <item>meta.yaml files go through a YAML library (<see cref="MlflowYaml"/>), so any experiment or run name reads back.</item>
/// <item>A metric, param or tag name MLflow does not allow is mapped into its characters (<see cref="MlflowNames"/>);
/// the original is kept in the tag <c>original_name/&lt;mapped&gt;</c>.</item>
/// <item>Starting a run whose name matches a running run that was opened live (<see cref="LiveTag"/>, while the cycle
/// trained) continues that run, and a metric point already logged (same step and value) is not logged twice: the
/// cycle's final record lands in the run its epochs were streamed to, with their real times.</item>
/// <item>Every run carries the build's commit (<c>mlflow.source.git.commit</c>).</item>
/// </list>
/// </summary>
public sealed class MlflowFileStoreTracker : IExperimentTracker
{
    /// <summary>Tag of a run opened while its cycle trains.</summary>
    public const string LiveTag = "autoretrain.live";

    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 5000;

    private readonly string _root;
    private readonly Lock _gate = new();

    public MlflowFileStoreTracker(string mlrunsFolder)
    {
        _root = Path.GetFullPath(mlrunsFolder);
        Directory.CreateDirectory(_root);
        // MLflow expects the default experiment 0 to exist.
        if (!File.Exists(Path.Combine(_root, "0", "meta.yaml")))
            WriteExperimentMeta("0", "Default", DateTimeOffset.UtcNow);
    }

    public string Root => _root;

    public Task<string> StartRunAsync(string experiment, string runName, DateTimeOffset startTime, CancellationToken ct = default)
    {
        lock (_gate)
        {
            string experimentId = FindExperiment(experiment) ?? CreateExperiment(experiment, startTime);
            if (FindLiveRun(experimentId, runName) is { } live)
            {
                if (startTime.ToUnixTimeMilliseconds() < live.Meta.StartTime)
                {
                    live.Meta.StartTime = startTime.ToUnixTimeMilliseconds();
                    File.WriteAllText(Path.Combine(live.Dir, "meta.yaml"), MlflowYaml.Write(live.Meta));
                }
                return Task.FromResult(live.Meta.RunId);
            }
            string runId = Guid.NewGuid().ToString("N");
            string runDir = Path.Combine(_root, experimentId, runId);
            foreach (var sub in new[] { "params", "metrics", "tags", "artifacts" })
                Directory.CreateDirectory(Path.Combine(runDir, sub));
            File.WriteAllText(Path.Combine(runDir, "meta.yaml"), MlflowYaml.Write(new MlflowRunMeta
            {
                ArtifactUri = FileUri(Path.Combine(runDir, "artifacts")),
                ExperimentId = experimentId, RunId = runId, RunUuid = runId, RunName = runName,
                StartTime = startTime.ToUnixTimeMilliseconds(),
            }));
            WriteTags(runDir, new Dictionary<string, string>
            {
                ["mlflow.runName"] = runName,
                ["mlflow.user"] = "autoretrain",
                ["mlflow.source.type"] = "JOB",
                ["mlflow.source.git.commit"] = BuildInfo.Commit,
            });
            return Task.FromResult(runId);
        }
    }

    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default)
    {
        lock (_gate)
        {
            string runDir = RunDir(runId);
            foreach (var (key, value) in parameters)
                WriteValue(Path.Combine(runDir, "params"), NameFor(runDir, key), Truncate(value, MaxParamValueLength));
        }
        return Task.CompletedTask;
    }

    public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken ct = default)
    {
        lock (_gate)
        {
            string runDir = RunDir(runId);
            foreach (var group in metrics.GroupBy(m => m.Key))
            {
                string path = SafePath(Path.Combine(runDir, "metrics"), NameFor(runDir, group.Key));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var logged = File.Exists(path)
                    ? File.ReadLines(path).Select(ParsePoint).OfType<(double Value, long Step)>().ToHashSet()
                    : [];
                var lines = new StringBuilder();
                foreach (var m in group)
                    if (logged.Add((m.Value, m.Step)))
                        lines.Append(CultureInfo.InvariantCulture, $"{m.Timestamp.ToUnixTimeMilliseconds()} {m.Value:R} {m.Step}\n");
                if (lines.Length > 0) File.AppendAllText(path, lines.ToString());
            }
        }
        return Task.CompletedTask;
    }

    public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default)
    {
        lock (_gate) WriteTags(RunDir(runId), tags);
        return Task.CompletedTask;
    }

    public async Task LogArtifactAsync(string runId, string relativePath, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        string path = SafePath(Path.Combine(RunDir(runId), "artifacts"), relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content.ToArray(), ct);
    }

    /// <summary>Copies a folder (a model: weights and metadata) under the run's artifacts.</summary>
    public void LogArtifactFolder(string runId, string folder, string artifactPath)
    {
        string target = SafePath(Path.Combine(RunDir(runId), "artifacts"), artifactPath);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    public Task EndRunAsync(string runId, TrackedRunStatus status, DateTimeOffset endTime, CancellationToken ct = default)
    {
        lock (_gate)
        {
            string path = Path.Combine(RunDir(runId), "meta.yaml");
            var meta = MlflowYaml.Read<MlflowRunMeta>(path);
            meta.EndTime = endTime.ToUnixTimeMilliseconds();
            meta.Status = status switch
            {
                TrackedRunStatus.Running => MlflowRunMeta.Running,
                TrackedRunStatus.Finished => 3,
                TrackedRunStatus.Failed => 4,
                _ => 5,
            };
            File.WriteAllText(path, MlflowYaml.Write(meta));
        }
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
            if (File.Exists(meta) && MlflowYaml.Read<MlflowExperimentMeta>(meta).Name == name) return Path.GetFileName(dir);
        }
        return null;
    }

    private (string Dir, MlflowRunMeta Meta)? FindLiveRun(string experimentId, string runName)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(_root, experimentId)))
        {
            string metaPath = Path.Combine(dir, "meta.yaml");
            if (!File.Exists(metaPath) || !File.Exists(Path.Combine(dir, "tags", LiveTag))) continue;
            var meta = MlflowYaml.Read<MlflowRunMeta>(metaPath);
            if (meta.RunName == runName && meta.Status == MlflowRunMeta.Running) return (dir, meta);
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
        File.WriteAllText(Path.Combine(dir, "meta.yaml"), MlflowYaml.Write(new MlflowExperimentMeta
        {
            ArtifactLocation = FileUri(dir), CreationTime = ms, ExperimentId = id, LastUpdateTime = ms, Name = name,
        }));
    }

    private static string FileUri(string dir) => new Uri(dir + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');

    private static void WriteTags(string runDir, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
            WriteValue(Path.Combine(runDir, "tags"), NameFor(runDir, key), Truncate(value, MaxTagValueLength));
    }

    /// <summary>
    /// The name MLflow stores for <paramref name="name"/>: itself when allowed, else its mapping, with the original kept
    /// in a tag; a mapping another original already holds gets a numeric suffix.
    /// </summary>
    private static string NameFor(string runDir, string name)
    {
        if (MlflowNames.IsValid(name)) return name;
        string mapped = MlflowNames.Map(name);
        string tags = Path.Combine(runDir, "tags");
        for (int n = 2; ; n++)
        {
            string originalTag = SafePath(tags, MlflowNames.OriginalTagPrefix + mapped);
            if (!File.Exists(originalTag))
            {
                WriteValue(tags, MlflowNames.OriginalTagPrefix + mapped, name);
                return mapped;
            }
            if (File.ReadAllText(originalTag) == name) return mapped;
            mapped = MlflowNames.Map(name) + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static (double Value, long Step)? ParsePoint(string line)
    {
        var parts = line.Split(' ');
        return parts.Length >= 3
               && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
               && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step)
            ? (value, step) : null;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

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
