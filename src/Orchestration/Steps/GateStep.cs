using AutoRetrain.Core;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Promotion;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The gate phase: scores the candidates and the champion on the same validation split, lets the promotion gate decide,
/// and moves the champion pointer with a conditional write.
/// </summary>
public sealed class GateStep(IArtifactStore store, ITileLedger ledger, IModelPredictor predictor, IModelRegistryStore registryStore,
    CycleStepsOptions options)
{
    private readonly ModelRegistry _registry = new(registryStore);
    private readonly SnapshotService _snapshots = new(store, ledger);

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
}
