using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>Called after every final cycle record, e.g. to regenerate the HTML report.</summary>
public interface ICycleObserver
{
    Task CycleRecordedAsync(CycleRecord record, CancellationToken ct);
}

/// <summary>
/// The recording phase: saves the cycle record and its request; once the cycle is final, merges the sample ledger,
/// tracks the run (once, marked by <see cref="CycleKeys.TrackingRunMarker"/>), ranks the unlabelled tiles for a new
/// champion (<see cref="LabelRankingStep"/>) and tells the observer. Every part is idempotent.
/// </summary>
public sealed class RecordingStep(IArtifactStore store, ICycleStore cycles, IExperimentTracker tracker, IModelRegistryStore registryStore,
    ISampleLedgerStore sampleLedger, LabelRankingStep ranking, CycleStepsOptions options, ICycleObserver? observer = null)
{
    private readonly ModelRegistry _registry = new(registryStore);

    public async Task RecordAsync(RecordInput input, CancellationToken ct)
    {
        var record = input.Record;
        if (record.IsFinished && input.Verdict?.ChampionMetrics is { Count: > 0 } champion)
            record = record with { Metrics = new Dictionary<string, double>(record.Metrics) { ["champion.mAP50"] = champion.GetValueOrDefault(CycleStepsOptions.MainMetric) } };
        await cycles.UpsertAsync(record, ct);
        // What a restarted host needs to run an interrupted cycle again under the same id.
        await store.PutAsync(Containers.Runs, CycleKeys.Request(record.Id), Encoding.UTF8.GetBytes(Json.Serialize(input.Request)), overwrite: false, ct);
        if (!record.IsFinished) return;

        await MergeSampleLedgerAsync(input, ct);
        await TrackAsync(input, record, ct);
        if (observer is not null) await observer.CycleRecordedAsync(record, ct);
        // Last, so that a failure to score leaves the record, tracking and report done (a retry finds them done): the new
        // champion ranks the unlabelled tiles once, here, and the API serves that ranking without scoring.
        if (record.Status == CycleStatus.Promoted && record.CandidateModelId is { } promoted)
            await ranking.RankAsync(promoted, ct);
    }

    private async Task MergeSampleLedgerAsync(RecordInput input, CancellationToken ct)
    {
        if (await sampleLedger.IsCycleMergedAsync(input.Record.Id, ct)) return;
        var stats = new List<TileTrainingStats>();
        foreach (var job in input.Jobs.Where(j => j.Succeeded))
        {
            string key = CycleKeys.ModelFile(CycleKeys.Model(input.Record.Id, job.Candidate), TrainerOutputs.TileStats);
            if (await store.GetAsync(Containers.Models, key, ct) is { } bytes)
                stats.AddRange(TileTrainingStatsFile.Read(Encoding.UTF8.GetString(bytes), $"{Containers.Models}/{key}"));
        }
        if (stats.Count > 0) await new SampleLedgerMerger(sampleLedger).MergeAsync(input.Record.Id, stats, ct);
        else await sampleLedger.MarkCycleMergedAsync(input.Record.Id, ct);
    }

    private async Task TrackAsync(RecordInput input, CycleRecord record, CancellationToken ct)
    {
        string markerKey = CycleKeys.TrackingRunMarker(record.Id);
        if (await store.ExistsAsync(Containers.Runs, markerKey, ct)) return;
        var end = record.EndedAt ?? DateTimeOffset.UtcNow;
        string runId = await tracker.StartRunAsync(options.Experiment, record.Id, record.StartedAt, ct);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string>
        {
            ["snapshot_id"] = record.SnapshotId ?? "",
            ["base_model"] = record.BaseModelId ?? "none",
            ["strategy"] = string.Join(",", input.Request.Candidates.Select(c => c.Sampler)),
            ["seed"] = record.Config.Seed.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = record.Config.Epochs.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = record.Config.LearningRate.ToString(CultureInfo.InvariantCulture),
            ["architecture"] = record.Config.Architecture,
            ["candidates"] = input.Request.Candidates.Count.ToString(CultureInfo.InvariantCulture),
            ["code_version"] = BuildInfo.Commit,
        }, ct);
        var points = record.Metrics.Select(kv => new MetricPoint(kv.Key, kv.Value, 0, end)).ToList();
        foreach (var job in input.Jobs.Where(j => j.Succeeded))
            points.AddRange(await EpochMetricsAsync(CycleKeys.Model(record.Id, job.Candidate), job.Candidate, input.Jobs.Count > 1, end, ct));
        if (points.Count > 0) await tracker.LogMetricsAsync(runId, points, ct);
        await tracker.SetTagsAsync(runId, new Dictionary<string, string>
        {
            ["outcome"] = record.Status.ToString(),
            ["trigger_reasons"] = string.Join("; ", record.TriggerReasons),
            ["decision_reasons"] = string.Join("; ", record.DecisionReasons),
            ["failure_cause"] = record.FailureCause ?? "",
            ["project"] = record.Project,
        }, ct);
        if (record.CandidateModelId is { } modelId && await _registry.GetAsync(modelId, ct) is { } model
            && await store.GetAsync(Containers.Models, CycleKeys.ModelFile(model.ArtifactKey, TrainerOutputs.Metadata), ct) is { } metadata)
            await tracker.LogArtifactAsync(runId, $"model/{TrainerOutputs.Metadata}", metadata, ct);
        await tracker.LogArtifactAsync(runId, "cycle.json", Encoding.UTF8.GetBytes(Json.Serialize(record)), ct);
        await tracker.EndRunAsync(runId, record.Status == CycleStatus.Failed ? TrackedRunStatus.Failed : TrackedRunStatus.Finished, end, ct);
        await store.PutAsync(Containers.Runs, markerKey, Encoding.UTF8.GetBytes(runId), overwrite: false, ct);
    }

    /// <summary>The trainer's per-epoch JSON lines as MLflow metric series (step = epoch).</summary>
    private async Task<List<MetricPoint>> EpochMetricsAsync(string modelKey, string candidate, bool prefix, DateTimeOffset at, CancellationToken ct)
    {
        var points = new List<MetricPoint>();
        if (await store.GetAsync(Containers.Models, CycleKeys.ModelFile(modelKey, TrainerOutputs.EpochMetrics), ct) is not { } bytes) return points;
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            long step = doc.RootElement.TryGetProperty("epoch", out var e) && e.TryGetInt64(out long s) ? s : 0;
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Name != "epoch" && p.Value.ValueKind == JsonValueKind.Number)
                    points.Add(new MetricPoint(prefix ? $"{candidate}/{p.Name}" : p.Name, p.Value.GetDouble(), step, at));
        }
        return points;
    }
}
