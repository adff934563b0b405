using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The decision phase: gathers what the retrain policy reads (the champion's training data, the pending arrivals, the
/// cycle history, performance drift) and hands it to <see cref="RetrainPlanner"/>, which assembles the decision and the
/// candidates; the decision is appended to the cycle store with its reasons.
/// </summary>
public sealed class DecisionStep(IArtifactStore store, ITileLedger ledger, ICycleStore cycles, IModelPredictor predictor,
    IModelRegistryStore registryStore, CycleStepsOptions options)
{
    private readonly ModelRegistry _registry = new(registryStore);
    private readonly SnapshotService _snapshots = new(store, ledger);

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
        var outcomes = history.Where(c => c.Status is CycleStatus.Promoted or CycleStatus.Rejected)
            .Select(c => new StrategyOutcome(c.Config.Sampler, c.Metrics.GetValueOrDefault("gain"), c.Metrics.GetValueOrDefault(TrainerMetrics.TrainSteps)))
            .ToList();
        var planner = new RetrainPlanner(new RetrainPolicy(options.Policy), new StrategySelector(), options.Strategies, options.Candidates);
        var plan = planner.Plan(policyInput, outcomes, options.Training, state.ForceReason);
        var reasons = plan.Reasons;
        await cycles.AppendDecisionAsync(new DecisionRecord(state.Project, input.Now, plan.Retrain, reasons,
            plan.Retrain ? input.NextCycleId : null), ct);
        return new Contracts.RetrainDecision(plan.Retrain, reasons, [.. plan.Candidates.Select(c => c.Config)], plan.Decision.NextCheck);
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
    /// their label hashes) under <see cref="CycleKeys.DriftCache"/>: arrivals and commands read the cached value and never score.
    /// </remarks>
    private async Task<ChampionDrift?> DriftAsync(ModelVersion champion, Snapshot seen, IReadOnlyList<TileRecord> tiles,
        IReadOnlyList<CycleRecord> history, int seed, bool score, CancellationToken ct)
    {
        var seenIds = seen.Entries.Select(e => e.TileId).ToHashSet();
        var fresh = tiles.Where(t => t.LabelState == LabelState.Labelled && t.LabelKey is not null && t.LabelHash is not null
                                     && !seenIds.Contains(t.Id.Value))
            .OrderByDescending(t => t.LabelledAt ?? t.ArrivedAt).Take(options.DriftMaxTiles).ToList();
        if (fresh.Count < options.DriftMinTiles) return null;
        string cacheKey = CycleKeys.DriftCache(champion.Id, fresh.Select(t => $"{t.Id.Value}:{t.LabelHash}"));
        if (await store.GetAsync(Containers.Runs, cacheKey, ct) is { } cached)
            return Json.Deserialize<ChampionDrift>(Encoding.UTF8.GetString(cached), cacheKey);
        if (!score) return null;
        var drift = await MeasureDriftAsync(champion, fresh, history, seed, ct);
        if (drift is not null)
            await store.PutAsync(Containers.Runs, cacheKey, Encoding.UTF8.GetBytes(Json.Serialize(drift)), overwrite: true, ct);
        return drift;
    }

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

    private static Dictionary<string, int> Sum(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var total = new Dictionary<string, int>();
        foreach (var c in counts)
            foreach (var (cls, n) in c) total[cls] = total.GetValueOrDefault(cls) + n;
        return total;
    }
}
