using AutoRetrain.Core.Metrics;
using AutoRetrain.Core.Promotion;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// Champion and challenger scored on the same multiset of validation tiles from their per-image COCO
/// evaluations (matching done once; each bootstrap resample only re-accumulates). AP50 per class.
/// </summary>
public sealed class PairedCocoScorer(CocoImageEvaluations champion, CocoImageEvaluations challenger) : IPairedScorer
{
    public int TileCount => champion.ImageCount;

    public PairedScores Score(IReadOnlyList<int> tileIndices) =>
        new(ClassScoresOf(champion.Accumulate(tileIndices)), ClassScoresOf(challenger.Accumulate(tileIndices)));

    /// <summary>AP50 per class, leaving out classes without ground truth in the scored tiles (pycocotools' −1).</summary>
    public static ClassScores ClassScoresOf(CocoMetrics metrics) =>
        new(metrics.Categories.Select((name, i) => (name, ap: metrics.PerClassAP50[i]))
            .Where(x => x.ap >= 0).ToDictionary(x => x.name, x => x.ap));
}
