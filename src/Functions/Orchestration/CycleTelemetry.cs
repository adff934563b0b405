using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Functions.Orchestration;

/// <summary>The metrics of a finished cycle: its duration by outcome and, when it promoted a model, that model's mAP@0.5.</summary>
public static class CycleTelemetry
{
    public static void Record(PipelineMetrics metrics, CycleRecord record)
    {
        if (!record.IsFinished) return;
        if (record.EndedAt is { } ended) metrics.CycleFinished(record.Status.ToString(), (ended - record.StartedAt).TotalSeconds);
        if (record.Status == CycleStatus.Promoted && record.CandidateModelId is { } model && record.Metrics.TryGetValue("mAP50", out double map))
            metrics.ModelPromoted(model, map);
    }
}
