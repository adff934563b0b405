using System.Text.Json;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local.Training;

namespace AutoRetrain.Local.Tracking;

/// <summary>
/// Streams a cycle's training into its MLflow run as it happens: the run opens when the trainer starts (tagged
/// <see cref="MlflowFileStoreTracker.LiveTag"/>), each epoch's numbers land with the time they arrived, and the
/// model folder is logged when the trainer is done. The cycle's final record later continues the same run
/// (<see cref="MlflowFileStoreTracker.StartRunAsync"/>). Epoch metric names are those the final record uses
/// (the candidate's name in front when a cycle trains several).
/// </summary>
public sealed class LiveRunTracking(MlflowFileStoreTracker tracker, string experiment, bool candidatePrefix)
{
    private readonly Dictionary<string, string> _runs = [];
    private readonly Lock _gate = new();

    /// <summary>Failures of live tracking never stop training; the last one is kept for the curious.</summary>
    public Exception? LastError { get; private set; }

    public void OnTrainerEvent(TrainerEvent e)
    {
        if (e.CycleId.Length == 0) return;
        try
        {
            lock (_gate) Handle(e);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Core.AutoRetrainException)
        {
            LastError = ex;
        }
    }

    private void Handle(TrainerEvent e)
    {
        if (!_runs.TryGetValue(e.CycleId, out var runId))
        {
            if (e.Event != "start") return;
            runId = tracker.StartRunAsync(experiment, e.CycleId, e.ReceivedAt).GetAwaiter().GetResult();
            tracker.SetTagsAsync(runId, new Dictionary<string, string> { [MlflowFileStoreTracker.LiveTag] = "true" }).GetAwaiter().GetResult();
            _runs[e.CycleId] = runId;
        }
        string prefix = candidatePrefix ? e.Candidate + "/" : "";
        switch (e.Event)
        {
            case "epoch":
                long step = e.Payload.TryGetProperty("epoch", out var epoch) && epoch.TryGetInt64(out long n) ? n : 0;
                var points = e.Payload.EnumerateObject()
                    .Where(p => p.Name != "epoch" && p.Value.ValueKind == JsonValueKind.Number)
                    .Select(p => new MetricPoint(prefix + p.Name, p.Value.GetDouble(), step, e.ReceivedAt))
                    .ToList();
                tracker.LogMetricsAsync(runId, points).GetAwaiter().GetResult();
                break;
            case "done":
                if (e.Payload.TryGetProperty("model", out var model) && model.GetString() is { } folder && Directory.Exists(folder))
                    tracker.LogArtifactFolder(runId, folder, candidatePrefix ? $"model/{e.Candidate}" : "model");
                break;
        }
    }
}
