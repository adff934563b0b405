using System.Collections.Concurrent;
using System.Text.Json;
using AutoRetrain.Local.Training;

namespace AutoRetrain.Cli.Serving;

/// <summary>The last epoch of each training job the served pipeline runs, for the page's progress bar (<c>GET /api/progress</c>).</summary>
public sealed class TrainingProgress
{
    private readonly ConcurrentDictionary<string, JobProgress> _jobs = new();

    public void OnTrainerEvent(TrainerEvent e)
    {
        if (e.Event is not ("epoch" or "done")) return;
        var p = e.Payload;
        var previous = _jobs.GetValueOrDefault(e.JobId);
        _jobs[e.JobId] = new JobProgress(e.JobId, e.Event == "done",
            Number(p, "epoch") ?? previous?.Epoch, Number(p, "progress") ?? (e.Event == "done" ? 1 : previous?.Progress),
            Number(p, "seconds") ?? previous?.Seconds, Number(p, "loss") ?? previous?.Loss, Number(p, "valMap50") ?? previous?.ValMap50);
    }

    public IReadOnlyList<JobProgress> Jobs => [.. _jobs.Values.OrderBy(j => j.JobId, StringComparer.Ordinal)];

    private static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

/// <summary>One job's progress: the fraction of its planned steps done, seconds so far, the last loss and validation mAP50.</summary>
public sealed record JobProgress(string JobId, bool Done, double? Epoch, double? Progress, double? Seconds, double? Loss, double? ValMap50);
