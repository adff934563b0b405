using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Decoding;

namespace AutoRetrain.Detector.Temporary;

// TEMPORARY until AutoRetrain.Core.Metrics (CocoEvaluator / VocEvaluator) lands on main.

/// <summary>Average precision at IoU 0.5 per class (all-point interpolation, VOC 2010+ style) and its mean.</summary>
public static class TemporaryAp50
{
    public sealed record Result(double MeanAp50, IReadOnlyDictionary<string, double> PerClass);

    public static Result Compute(IReadOnlyList<string> classes, IReadOnlyList<(IReadOnlyList<LabelObject> Truth, IReadOnlyList<Detection> Predicted)> images)
    {
        var perClass = new Dictionary<string, double>();
        for (int c = 0; c < classes.Count; c++)
        {
            int truthCount = 0;
            var scored = new List<(double Score, bool Hit)>();
            foreach (var (truth, predicted) in images)
            {
                var boxes = truth.Where(o => o.Class == classes[c]).Select(o => o.Bounds).ToList();
                truthCount += boxes.Count;
                var used = new bool[boxes.Count];
                foreach (var d in predicted.Where(d => d.ClassIndex == c).OrderByDescending(d => d.Score))
                {
                    int best = -1; double bestIou = 0.5;
                    for (int i = 0; i < boxes.Count; i++)
                    {
                        double iou = boxes[i].IoU(d.Box);
                        if (!used[i] && iou >= bestIou) { best = i; bestIou = iou; }
                    }
                    if (best >= 0) used[best] = true;
                    scored.Add((d.Score, best >= 0));
                }
            }
            if (truthCount == 0) continue;
            perClass[classes[c]] = AveragePrecision(scored, truthCount);
        }
        return new Result(perClass.Count == 0 ? 0 : perClass.Values.Average(), perClass);
    }

    private static double AveragePrecision(List<(double Score, bool Hit)> scored, int truthCount)
    {
        var ordered = scored.OrderByDescending(s => s.Score).ToList();
        var recall = new double[ordered.Count];
        var precision = new double[ordered.Count];
        int hits = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Hit) hits++;
            recall[i] = (double)hits / truthCount;
            precision[i] = (double)hits / (i + 1);
        }
        for (int i = ordered.Count - 2; i >= 0; i--) precision[i] = Math.Max(precision[i], precision[i + 1]);
        double ap = 0, previousRecall = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            ap += (recall[i] - previousRecall) * precision[i];
            previousRecall = recall[i];
        }
        return ap;
    }
}
