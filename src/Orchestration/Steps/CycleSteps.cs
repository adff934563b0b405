using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Promotion;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Recovery;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>Called after every final cycle record, e.g. to regenerate the HTML report.</summary>
public interface ICycleObserver
{
    Task CycleRecordedAsync(CycleRecord record, CancellationToken ct);
}

/// <summary>
/// The real cycle steps, built only from ports, so the local and the cloud host share them: the retrain policy
/// and strategy choice, snapshot and sample weights, training through the backend, scoring and the promotion
/// gate, the registry's conditional champion write, tracking and the sample ledger. Every step is idempotent.
/// </summary>
public sealed class CycleSteps(
    IArtifactStore store,
    ITileLedger ledger,
    ICycleStore cycles,
    ITrainingBackend backend,
    IModelPredictor predictor,
    IExperimentTracker tracker,
    IModelRegistryStore registryStore,
    ISampleLedgerStore sampleLedger,
    CycleStepsOptions options,
    ICycleObserver? observer = null) : ICycleSteps
{
    private readonly ModelRegistry _registry = new(registryStore);
    private readonly SnapshotService _snapshots = new(store, ledger);
    private readonly ManagerStateRecovery _recovery = new(store, ledger, cycles, registryStore);

    public Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct) => _recovery.RecoverAsync(seed, ct);

    public async Task<Contracts.RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct)
    {
        var state = input.State;
        var tiles = await ledger.ListTilesAsync(ct);
        var champion = state.ChampionModelId is { } id ? await _registry.GetAsync(id, ct) : null;
        var trainingCounts = new Dictionary<string, int>();
        int trainingTiles = 0;
        var history = await cycles.ListAsync(state.Project, ct);
        ChampionDrift? drift = null;
        if (champion is not null)
        {
            var championSnapshot = await _snapshots.LoadAsync(StoreKeys.Snapshot(champion.SnapshotId), ct);
            var trained = championSnapshot.Train.Select(e => e.TileId).ToHashSet();
            foreach (var t in tiles.Where(t => trained.Contains(t.Id.Value)))
            {
                trainingTiles++;
                foreach (var (cls, n) in t.ClassCounts) trainingCounts[cls] = trainingCounts.GetValueOrDefault(cls) + n;
            }
            // With nothing new since the last cycle the policy waits whatever the drift: no scoring on timer checks.
            if (options.Policy.PerformanceDropDelta is not null && !state.Pending.IsEmpty)
                drift = await DriftAsync(champion, championSnapshot, tiles, history, state.CyclesStarted,
                    score: input.Trigger == DecisionTrigger.Timer, ct);
        }
        var policyInput = new PolicyInput
        {
            Now = input.Now,
            LastCycleAt = state.LastCycleAt,
            HasChampion = champion is not null,
            TrainingTiles = trainingTiles,
            TrainingClassCounts = trainingCounts,
            // Before the first model every labelled tile is new to it.
            NewLabelledTiles = champion is null ? tiles.Count(t => t.LabelState == LabelState.Labelled) : state.Pending.NewTiles + state.Pending.Relabelled,
            NewClassCounts = champion is null ? Sum(tiles.Select(t => t.ClassCounts)) : state.Pending.NewObjectsPerClass,
            LatestClassCounts = champion is null || state.Pending.Batches < 2 ? null : state.Pending.LatestObjectsPerClass,
            PreviousNewClassCounts = state.PreviousCyclePending?.NewObjectsPerClass,
            Drift = drift,
            RecentCycles = history.Select(c => new CycleUsage(c.StartedAt, c.DurationsSeconds.GetValueOrDefault("train") / 3600)).ToList(),
            EstimatedGpuHoursPerCycle = history.Select(c => c.DurationsSeconds.GetValueOrDefault("train") / 3600).LastOrDefault(h => h > 0, 0.1),
        };
        var decision = new RetrainPolicy(options.Policy).Decide(policyInput);
        var reasons = decision.Reasons.Select(r => r.Message).ToList();
        bool retrain = decision.Retrain;
        if (state.ForceReason is { } forced)
        {
            retrain = true;
            reasons.Insert(0, forced);
        }

        IReadOnlyList<TrainingConfig> candidates = [];
        if (retrain)
        {
            var outcomes = history.Where(c => c.Status is CycleStatus.Promoted or CycleStatus.Rejected)
                .Select(c => new StrategyOutcome(c.Config.Sampler, c.Metrics.GetValueOrDefault("gain"), c.Metrics.GetValueOrDefault(TrainerMetrics.TrainSteps)))
                .ToList();
            var choices = new StrategySelector().Choose(options.Strategies, outcomes, Math.Max(1, options.Candidates));
            candidates = choices.Select((c, i) => options.Training with { Sampler = c.Strategy, Seed = options.Training.Seed + i }).ToList();
            reasons.AddRange(choices.Select(c => $"strategy {c.Strategy}: {c.Reason}"));
        }
        await cycles.AppendDecisionAsync(new DecisionRecord(state.Project, input.Now, retrain, reasons,
            retrain ? input.NextCycleId : null), ct);
        return new Contracts.RetrainDecision(retrain, reasons, candidates, decision.NextCheck);
    }

    /// <summary>
    /// The champion on the labelled tiles it has never seen (neither trained nor validated on), newest first up to
    /// <see cref="CycleStepsOptions.DriftMaxTiles"/>, against its validation mAP50 as the promotion gate measured it:
    /// mAP50 over the classes the champion knows, with a bootstrap interval of the drop over those tiles. Null when
    /// fewer than <see cref="CycleStepsOptions.DriftMinTiles"/> such tiles exist or no validation mAP is recorded.
    /// </summary>
    /// <remarks>
    /// Scoring runs the detector over up to <see cref="CycleStepsOptions.DriftMaxTiles"/> tiles, so it is done only on the
    /// timer path (<paramref name="score"/>) and its result is kept per champion and ledger version (the tiles scored and
    /// their label hashes) under <c>runs/drift/</c>: arrivals and commands read the cached value and never score.
    /// </remarks>
    private async Task<ChampionDrift?> DriftAsync(ModelVersion champion, Snapshot seen, IReadOnlyList<TileRecord> tiles,
        IReadOnlyList<CycleRecord> history, int seed, bool score, CancellationToken ct)
    {
        var seenIds = seen.Entries.Select(e => e.TileId).ToHashSet();
        var fresh = tiles.Where(t => t.LabelState == LabelState.Labelled && t.LabelKey is not null && t.LabelHash is not null
                                     && !seenIds.Contains(t.Id.Value))
            .OrderByDescending(t => t.LabelledAt ?? t.ArrivedAt).Take(options.DriftMaxTiles).ToList();
        if (fresh.Count < options.DriftMinTiles) return null;
        string cacheKey = DriftCacheKey(champion.Id, fresh.Select(t => $"{t.Id.Value}:{t.LabelHash}"));
        if (await store.GetAsync(Containers.Runs, cacheKey, ct) is { } cached)
            return Json.Deserialize<ChampionDrift>(Encoding.UTF8.GetString(cached), cacheKey);
        if (!score) return null;
        var drift = await MeasureDriftAsync(champion, fresh, history, seed, ct);
        if (drift is not null)
            await store.PutAsync(Containers.Runs, cacheKey, Encoding.UTF8.GetBytes(Json.Serialize(drift)), overwrite: true, ct);
        return drift;
    }

    /// <summary>The drift cache entry of a champion on one set of tiles (ids and label hashes).</summary>
    public static string DriftCacheKey(string championId, IEnumerable<string> tileVersions) =>
        $"drift/{championId}/{ContentHash.Of(string.Join('\n', tileVersions.Order(StringComparer.Ordinal)))[..32]}.json";

    private async Task<ChampionDrift?> MeasureDriftAsync(ModelVersion champion, List<TileRecord> fresh,
        IReadOnlyList<CycleRecord> history, int seed, CancellationToken ct)
    {
        double? validationAp = history.FirstOrDefault(c => c.Id == champion.CycleId)?.Metrics is { } m
                               && m.TryGetValue(CycleStepsOptions.MainMetric, out double recorded) ? recorded
            : champion.Metrics.TryGetValue("valMap50", out double trainerMap) ? trainerMap : null;
        if (validationAp is not { } apOnValidation) return null;

        var entries = fresh.Select(t => new SnapshotEntry(t.Id.Value, t.LabelHash!, t.Split, t.ImageKey, t.LabelKey!)).ToList();
        var categories = champion.Classes.Concat(fresh.SelectMany(t => t.ClassCounts.Keys).Except(champion.Classes).Distinct().Order(StringComparer.Ordinal)).ToList();
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var groundTruth = await DetectionScoring.GroundTruthAsync(store, entries, index, ct);
        var evaluations = await DetectionScoring.EvaluateAsync(predictor, champion.ArtifactKey, entries, groundTruth, categories, ct);
        // A class the champion never learned is the new-class signal's business, not drift.
        int known = champion.Classes.Count;
        double KnownClassMap(IReadOnlyList<int> indices)
        {
            var perClass = evaluations.Accumulate(indices).PerClassAP50.Take(known).Where(ap => ap >= 0).ToList();
            return perClass.Count == 0 ? apOnValidation : perClass.Average();
        }
        return PerformanceDriftEstimator.Estimate(apOnValidation, entries.Count, KnownClassMap, new Random(seed + 1), options.DriftBootstrapResamples);
    }

    public async Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct)
    {
        string preparedKey = $"cycles/{input.Request.CycleId}/prepared.json";
        // A retried or resumed cycle trains on the data it was prepared with, not on what arrived since.
        if (await store.GetAsync(Containers.Runs, preparedKey, ct) is { } existing)
            return Json.Deserialize<PreparedCycle>(Encoding.UTF8.GetString(existing), preparedKey);

        var (snapshot, snapshotKey) = await _snapshots.FreezeAsync(ct);
        if (!snapshot.Train.Any())
            throw new AutoRetrainException($"cycle {input.Request.CycleId}: the snapshot has no labelled training tiles.");
        var tiles = (await ledger.ListTilesAsync(ct)).ToDictionary(t => t.Id.Value);
        var champion = input.Request.ChampionModelId is { } id ? await _registry.GetAsync(id, ct) : null;
        var previouslyTrained = champion is null
            ? new HashSet<string>()
            : (await _snapshots.LoadAsync(StoreKeys.Snapshot(champion.SnapshotId), ct)).Train.Select(e => e.TileId).ToHashSet();
        var trainTiles = snapshot.Train.Select(e => new SamplingTile
        {
            TileId = e.TileId,
            ClassCounts = tiles.TryGetValue(e.TileId, out var t) ? t.ClassCounts : new Dictionary<string, int>(),
            IsNew = !previouslyTrained.Contains(e.TileId),
        }).ToList();
        var histories = await sampleLedger.GetAsync(trainTiles.Select(t => t.TileId), ct);

        var weightsKeys = new List<string?>();
        for (int i = 0; i < input.Request.Candidates.Count; i++)
        {
            var config = input.Request.Candidates[i];
            if (config.Sampler == UniformSampling.StrategyName) { weightsKeys.Add(null); continue; }
            var weights = SamplingStrategies.Parse(config.Sampler).Weigh(new SamplingInput
            {
                Tiles = trainTiles, Histories = histories, Epochs = config.Epochs, Seed = config.Seed,
            });
            string key = $"cycles/{input.Request.CycleId}/{i}-{config.Sampler}/sample-weights.jsonl";
            await store.PutAsync(Containers.Runs, key, Encoding.UTF8.GetBytes(SampleWeights.Write(weights)), overwrite: true, ct);
            weightsKeys.Add(key);
        }
        var prepared = new PreparedCycle(snapshot.Id, snapshotKey, snapshot.Train.Count(), snapshot.Validation.Count(), weightsKeys);
        await store.PutAsync(Containers.Runs, preparedKey, Encoding.UTF8.GetBytes(Json.Serialize(prepared)), overwrite: false, ct);
        return prepared;
    }

    public async Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct)
    {
        var baseModel = input.BaseModelId is { } id ? await _registry.GetAsync(id, ct) : null;
        string configKey = $"cycles/{input.CycleId}/{input.Candidate}/training-config.json";
        await store.PutAsync(Containers.Runs, configKey, Encoding.UTF8.GetBytes(Json.Serialize(input.Config)), overwrite: true, ct);
        return await backend.SubmitAsync(new TrainingJobSpec
        {
            ConfigKey = configKey,
            CycleId = input.CycleId,
            Candidate = input.Candidate,
            SnapshotKey = input.SnapshotKey,
            BaseModelKey = baseModel?.ArtifactKey,
            WeightsKey = input.WeightsKey,
            OutputModelKey = ModelKey(input.CycleId, input.Candidate),
            Config = input.Config,
        }, ct);
    }

    public Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct) => backend.GetStatusAsync(jobId, ct);

    public Task CancelTrainingAsync(string jobId, CancellationToken ct) => backend.CancelAsync(jobId, ct);

    public async Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct)
    {
        string modelKey = ModelKey(input.Job.CycleId, input.Job.Candidate);
        var metadata = await ReadMetadataAsync(modelKey, ct);
        string snapshotId = input.Job.SnapshotKey.Split('/')[^1].Replace(".json", "", StringComparison.Ordinal);
        var version = await _registry.RegisterAsync(new ModelVersion
        {
            Id = $"{input.Job.CycleId}-{input.Job.Candidate}",
            ParentModelId = input.Job.BaseModelId,
            SnapshotId = snapshotId,
            CycleId = input.Job.CycleId,
            CreatedAt = DateTimeOffset.UtcNow,
            Classes = metadata.Classes,
            ArtifactKey = modelKey,
            Config = input.Job.Config,
            Metrics = metadata.Metrics,
        }, ct);
        return new TrainingJobResult(input.Job.Candidate, input.JobId, version.Id, true, null, input.TrainSeconds, metadata.Metrics);
    }

    public async Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct)
    {
        var snapshot = await _snapshots.LoadAsync(input.SnapshotKey, ct);
        var validation = snapshot.Validation.ToList();
        if (validation.Count == 0)
            throw new AutoRetrainException($"cycle {input.CycleId}: the snapshot has no validation tiles to score on.");
        var categories = snapshot.Classes.ToList();
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var groundTruth = await DetectionScoring.GroundTruthAsync(store, validation, index, ct);

        async Task<ModelVersion> Model(string modelId) =>
            await _registry.GetAsync(modelId, ct) ?? throw new AutoRetrainException($"model {modelId} is not registered.");
        Task<CocoImageEvaluations> Evaluate(ModelVersion model) =>
            DetectionScoring.EvaluateAsync(predictor, model.ArtifactKey, validation, groundTruth, categories, ct);

        var candidates = new List<(string Id, CocoImageEvaluations Eval, CocoMetrics Metrics)>();
        foreach (var id in input.CandidateModelIds)
        {
            var eval = await Evaluate(await Model(id));
            candidates.Add((id, eval, eval.AccumulateAll()));
        }
        var best = candidates.OrderByDescending(c => c.Metrics.AP50).First();
        var gate = new PromotionGate(options.Gate);
        PromotionDecision decision;
        Dictionary<string, double> championMetrics = [];
        if (input.ChampionModelId is null)
        {
            decision = gate.FirstModel(PairedCocoScorer.ClassScoresOf(best.Metrics));
        }
        else
        {
            var champion = await Model(input.ChampionModelId);
            var championEval = await Evaluate(champion);
            championMetrics = MetricsOf(championEval.AccumulateAll());
            decision = gate.Decide(new PairedCocoScorer(championEval, best.Eval), await EarlierValidationAsync(champion, validation, ct));
        }
        var reasons = decision.Reasons.ToList();
        if (candidates.Count > 1)
            reasons.Insert(0, $"best of {candidates.Count} candidates: {best.Id} (" +
                string.Join(", ", candidates.Select(c => $"{c.Id} {c.Metrics.AP50:0.000}")) + ")");
        var candidateMetrics = MetricsOf(best.Metrics);
        if (decision.EarlierData is { } earlier)
        {
            candidateMetrics["earlier.mAP50"] = earlier.ChallengerMap;
            candidateMetrics["earlier.champion.mAP50"] = earlier.ChampionMap;
            candidateMetrics["earlier.tiles"] = earlier.Tiles;
        }
        if (championMetrics.TryGetValue(CycleStepsOptions.MainMetric, out double championMap))
            candidateMetrics["gain"] = candidateMetrics[CycleStepsOptions.MainMetric] - championMap;
        else candidateMetrics["gain"] = candidateMetrics[CycleStepsOptions.MainMetric];
        return new GateVerdict(decision.Promote, best.Id, reasons, candidateMetrics, championMetrics);
    }

    /// <summary>
    /// Indices, in this cycle's validation list, of the tiles the champion was itself validated on (its snapshot's
    /// validation split): the earlier data the gate must not trade away. Null when the champion's snapshot is unknown.
    /// </summary>
    private async Task<IReadOnlyList<int>?> EarlierValidationAsync(ModelVersion champion, IReadOnlyList<SnapshotEntry> validation, CancellationToken ct)
    {
        if (champion.SnapshotId is not { Length: > 0 } snapshotId) return null;
        var earlier = (await _snapshots.LoadAsync(StoreKeys.Snapshot(snapshotId), ct)).Validation.Select(e => e.TileId).ToHashSet(StringComparer.Ordinal);
        return validation.Select((e, i) => (e, i)).Where(x => earlier.Contains(x.e.TileId)).Select(x => x.i).ToList();
    }

    public async Task<string> PromoteAsync(PromoteInput input, CancellationToken ct)
    {
        var current = await _registry.GetChampionAsync(ct);
        // A retried or resumed promotion finds its own write already done.
        if (current.ModelId == input.ModelId) return input.ModelId;
        if (current.ModelId != input.ExpectedChampionId)
            throw new AutoRetrainException(
                $"cycle {input.CycleId}: the champion moved to {current.ModelId ?? "none"} while the cycle compared against {input.ExpectedChampionId ?? "none"}; not promoting {input.ModelId}.");
        var next = await _registry.PromoteAsync(input.ModelId, current.ETag, [$"promoted by cycle {input.CycleId}"], DateTimeOffset.UtcNow, ct);
        return next.ModelId!;
    }

    public async Task RecordAsync(RecordInput input, CancellationToken ct)
    {
        var record = input.Record;
        if (record.IsFinished && input.Verdict?.ChampionMetrics is { Count: > 0 } champion)
            record = record with { Metrics = new Dictionary<string, double>(record.Metrics) { ["champion.mAP50"] = champion.GetValueOrDefault(CycleStepsOptions.MainMetric) } };
        await cycles.UpsertAsync(record, ct);
        // What a restarted host needs to run an interrupted cycle again under the same id.
        await store.PutAsync(Containers.Runs, RequestKey(record.Id), Encoding.UTF8.GetBytes(Json.Serialize(input.Request)), overwrite: false, ct);
        if (!record.IsFinished) return;

        await MergeSampleLedgerAsync(input, ct);
        await TrackAsync(input, record, ct);
        if (observer is not null) await observer.CycleRecordedAsync(record, ct);
    }

    private async Task MergeSampleLedgerAsync(RecordInput input, CancellationToken ct)
    {
        if (await sampleLedger.IsCycleMergedAsync(input.Record.Id, ct)) return;
        var stats = new List<TileTrainingStats>();
        foreach (var job in input.Jobs.Where(j => j.Succeeded))
        {
            string key = $"{ModelKey(input.Record.Id, job.Candidate)}/{TrainerOutputs.TileStats}";
            if (await store.GetAsync(Containers.Models, key, ct) is { } bytes)
                stats.AddRange(TileTrainingStatsFile.Read(Encoding.UTF8.GetString(bytes), $"{Containers.Models}/{key}"));
        }
        if (stats.Count > 0) await new SampleLedgerMerger(sampleLedger).MergeAsync(input.Record.Id, stats, ct);
        else await sampleLedger.MarkCycleMergedAsync(input.Record.Id, ct);
    }

    private async Task TrackAsync(RecordInput input, CycleRecord record, CancellationToken ct)
    {
        string markerKey = $"cycles/{record.Id}/mlflow-run-id";
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
            points.AddRange(await EpochMetricsAsync(ModelKey(record.Id, job.Candidate), job.Candidate, input.Jobs.Count > 1, end, ct));
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
            && await store.GetAsync(Containers.Models, $"{model.ArtifactKey}/{TrainerOutputs.Metadata}", ct) is { } metadata)
            await tracker.LogArtifactAsync(runId, $"model/{TrainerOutputs.Metadata}", metadata, ct);
        await tracker.LogArtifactAsync(runId, "cycle.json", Encoding.UTF8.GetBytes(Json.Serialize(record)), ct);
        await tracker.EndRunAsync(runId, record.Status == CycleStatus.Failed ? TrackedRunStatus.Failed : TrackedRunStatus.Finished, end, ct);
        await store.PutAsync(Containers.Runs, markerKey, Encoding.UTF8.GetBytes(runId), overwrite: false, ct);
    }

    /// <summary>The trainer's per-epoch JSON lines as MLflow metric series (step = epoch).</summary>
    private async Task<List<MetricPoint>> EpochMetricsAsync(string modelKey, string candidate, bool prefix, DateTimeOffset at, CancellationToken ct)
    {
        var points = new List<MetricPoint>();
        if (await store.GetAsync(Containers.Models, $"{modelKey}/{TrainerOutputs.EpochMetrics}", ct) is not { } bytes) return points;
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

    private async Task<(IReadOnlyList<string> Classes, IReadOnlyDictionary<string, double> Metrics)> ReadMetadataAsync(string modelKey, CancellationToken ct)
    {
        string key = $"{modelKey}/{TrainerOutputs.Metadata}";
        var bytes = await store.GetAsync(Containers.Models, key, ct)
            ?? throw new AutoRetrainException($"training finished but {Containers.Models}/{key} is missing: the trainer wrote no model.");
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        var classes = root.TryGetProperty("classes", out var c) ? c.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var metrics = new Dictionary<string, double>();
        if (root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number) metrics[p.Name] = p.Value.GetDouble();
        return (classes, metrics);
    }

    private static Dictionary<string, double> MetricsOf(CocoMetrics metrics)
    {
        var result = new Dictionary<string, double>
        {
            [CycleStepsOptions.MainMetric] = metrics.AP50,
            ["mAP"] = metrics.AP,
            ["mAP75"] = metrics.AP75,
        };
        for (int i = 0; i < metrics.Categories.Count; i++)
            if (metrics.PerClassAP50[i] >= 0) result[$"AP50/{metrics.Categories[i]}"] = metrics.PerClassAP50[i];
        return result;
    }

    private static Dictionary<string, int> Sum(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var total = new Dictionary<string, int>();
        foreach (var c in counts)
            foreach (var (cls, n) in c) total[cls] = total.GetValueOrDefault(cls) + n;
        return total;
    }

    public static string ModelKey(string cycleId, string candidate) => $"{cycleId}/{candidate}";

    public static string RequestKey(string cycleId) => $"cycles/{cycleId}/request.json";
}
