using AutoRetrain.Core;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Chips;

/// <summary>A scored, classed box: a detection in scene or chip coordinates.</summary>
public readonly record struct ScoredBox(string Class, BoundingBox Box, double Score);

/// <summary>
/// Greedy, class-aware non-maximum suppression, used to merge predictions from overlapping chips
/// once they are mapped back to the scene: the same object seen by two chips is kept once.
/// </summary>
public static class BoxNms
{
    /// <summary>Keeps, per class, the highest-scoring box and drops every box of that class whose IoU with
    /// a kept one is above <paramref name="iouThreshold"/>. Equal scores keep input order, so the result
    /// is deterministic. Boxes of different classes never suppress each other. Returned by score, descending.</summary>
    public static IReadOnlyList<ScoredBox> Apply(IEnumerable<ScoredBox> detections, double iouThreshold) =>
        Apply(detections, d => d.Class, d => d.Box, d => d.Score, iouThreshold);

    /// <summary>The same for any detection type, given how to read its class (a name, an index), box and score.</summary>
    public static IReadOnlyList<T> Apply<T, TClass>(
        IEnumerable<T> detections, Func<T, TClass> classOf, Func<T, BoundingBox> boxOf, Func<T, double> scoreOf,
        double iouThreshold)
        where TClass : notnull
    {
        if (!(iouThreshold >= 0 && iouThreshold <= 1))
            throw new AutoRetrainException($"the NMS IoU threshold must be in [0, 1], got {iouThreshold}.");

        // OrderByDescending is a stable sort: ties keep their input order.
        var ordered = detections.OrderByDescending(scoreOf).ToList();
        var keptByClass = new Dictionary<TClass, List<BoundingBox>>();
        var kept = new List<T>();
        foreach (var d in ordered)
        {
            var box = boxOf(d);
            if (!keptByClass.TryGetValue(classOf(d), out var sameClass))
                keptByClass[classOf(d)] = sameClass = [];
            if (sameClass.Any(k => k.IoU(box) > iouThreshold)) continue;
            sameClass.Add(box);
            kept.Add(d);
        }
        return kept;
    }
}
