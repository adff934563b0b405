using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>
/// The per-image half of the PASCAL VOC devkit's VOCevaldet: every detection is marked true
/// positive, false positive or ignored (matched to a difficult object) once. Because the devkit's
/// greedy assignment only looks at detections of the same image, this equals its global pass.
/// <see cref="Accumulate"/> then takes any multiset of image indices (bootstrap: an image drawn
/// twice counts twice) without matching again.
/// </summary>
public sealed class VocImageEvaluations
{
    private const byte FalsePositive = 0, TruePositive = 1, Ignored = 2;

    private readonly VocCell?[] _cells;

    private VocImageEvaluations(IReadOnlyList<string> categories, int imageCount, double iouThreshold, VocCell?[] cells)
    {
        Categories = categories;
        ImageCount = imageCount;
        IouThreshold = iouThreshold;
        _cells = cells;
    }

    public IReadOnlyList<string> Categories { get; }
    public int ImageCount { get; }
    public double IouThreshold { get; }

    /// <summary>Assigns detections to ground truth with the devkit's rules.</summary>
    /// <param name="iouThreshold">A detection is a hit when its best overlap is ≥ this (VOCopts.minoverlap = 0.5).</param>
    /// <remarks>Boxes are treated as the devkit's inclusive pixel boxes: width = xmax - xmin + 1.
    /// Crowd objects (COCO iscrowd) are treated as difficult.</remarks>
    public static VocImageEvaluations Compute(
        IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, IReadOnlyList<string> categories,
        double iouThreshold = 0.5)
    {
        if (!(iouThreshold > 0 && iouThreshold <= 1))
            throw new AutoRetrainException($"the VOC IoU threshold must be in (0, 1], got {iouThreshold}.");
        var input = EvaluationInput.Prepare(images, detections, categories.Count);
        var cells = new VocCell?[input.BucketCount];
        var sorted = new List<ScoreOrder>();
        var detected = new List<bool>();
        for (int b = 0; b < cells.Length; b++)
        {
            var gtSlice = input.GroundTruth(b);
            var dtSlice = input.Detections(b);
            int gtCount = gtSlice.Count, dtCount = dtSlice.Count;
            if (gtCount == 0 && dtCount == 0) continue;

            int positives = 0;
            detected.Clear();
            for (int j = 0; j < gtCount; j++)
            {
                var o = input.GtObjects[gtSlice[j]];
                if (!IsIgnored(o)) positives++;
                detected.Add(false);
            }
            sorted.Clear();
            for (int j = 0; j < dtCount; j++)
            {
                int d = dtSlice[j];
                sorted.Add(new ScoreOrder(detections[d].Score, d, d));
            }
            sorted.Sort();

            var scores = new double[dtCount];
            var indices = new int[dtCount];
            var outcomes = new byte[dtCount];
            for (int j = 0; j < dtCount; j++)
            {
                var box = detections[sorted[j].Item].Box;
                scores[j] = sorted[j].Score;
                indices[j] = sorted[j].Item;
                int best = BestOverlap(box, input.GtObjects, gtSlice, out double overlap);
                if (best < 0 || overlap < iouThreshold) outcomes[j] = FalsePositive;
                else if (IsIgnored(input.GtObjects[gtSlice[best]])) outcomes[j] = Ignored;
                else if (detected[best]) outcomes[j] = FalsePositive; // a duplicate of an already found object
                else { detected[best] = true; outcomes[j] = TruePositive; }
            }
            cells[b] = new VocCell(scores, indices, outcomes, positives);
        }
        return new VocImageEvaluations(categories, images.Count, iouThreshold, cells);
    }

    /// <summary>Precision-recall and AP per category over the given images (repeats allowed).</summary>
    /// <param name="useElevenPoint">VOC2007's 11-point interpolation; otherwise the all-point area (VOC2010+).</param>
    public VocMetrics Accumulate(IReadOnlyList<int> imageIndices, bool useElevenPoint)
    {
        EvaluationInput.CheckImageIndices(imageIndices, ImageCount);
        int k = Categories.Count;
        var ap = new double[k];
        var entries = new List<ScoreOrder>();
        var cellOf = new List<(VocCell Cell, int Index)>();
        for (int category = 0; category < k; category++)
        {
            entries.Clear();
            cellOf.Clear();
            int positives = 0;
            for (int p = 0; p < imageIndices.Count; p++)
            {
                var cell = _cells[imageIndices[p] * k + category];
                if (cell is null) continue;
                positives += cell.Positives;
                for (int j = 0; j < cell.Scores.Length; j++)
                {
                    // The devkit sorts all detections of a class stably: equal scores keep file order.
                    entries.Add(new ScoreOrder(cell.Scores[j], (long)cell.Indices[j] * imageIndices.Count + p, cellOf.Count));
                    cellOf.Add((cell, j));
                }
            }
            if (positives == 0) { ap[category] = -1; continue; }
            var sorted = entries.ToArray();
            Array.Sort(sorted);
            var recall = new double[sorted.Length];
            var precision = new double[sorted.Length];
            int tp = 0, fp = 0;
            for (int i = 0; i < sorted.Length; i++)
            {
                var (cell, j) = cellOf[sorted[i].Item];
                if (cell.Outcomes[j] == TruePositive) tp++;
                else if (cell.Outcomes[j] == FalsePositive) fp++;
                recall[i] = (double)tp / positives;
                precision[i] = (double)tp / (tp + fp); // NaN while only difficult hits so far, as in MATLAB
            }
            ap[category] = useElevenPoint ? VocAveragePrecision.ElevenPoint(recall, precision) : VocAveragePrecision.AllPoint(recall, precision);
        }
        return new VocMetrics(Categories, ap, IouThreshold, useElevenPoint);
    }

    public VocMetrics AccumulateAll(bool useElevenPoint) => Accumulate(EvaluationInput.AllImages(ImageCount), useElevenPoint);

    private static bool IsIgnored(GroundTruthObject o) => o.IsDifficult || o.IsCrowd;

    /// <summary>The devkit's search: the first object with the strictly highest overlap; -1 when none overlaps.</summary>
    private static int BestOverlap(BoundingBox bb, GroundTruthObject[] objects, ArraySegment<int> candidates, out double best)
    {
        best = double.NegativeInfinity;
        int jmax = -1;
        for (int j = 0; j < candidates.Count; j++)
        {
            double ov = InclusiveIou(bb, objects[candidates[j]].Box);
            if (ov > best) { best = ov; jmax = j; }
        }
        return jmax;
    }

    /// <summary>VOCevaldet's overlap on inclusive pixel boxes; NegativeInfinity when they do not overlap.</summary>
    internal static double InclusiveIou(BoundingBox bb, BoundingBox gt)
    {
        double iw = Math.Min(bb.XMax, gt.XMax) - Math.Max(bb.XMin, gt.XMin) + 1;
        double ih = Math.Min(bb.YMax, gt.YMax) - Math.Max(bb.YMin, gt.YMin) + 1;
        if (!(iw > 0 && ih > 0)) return double.NegativeInfinity;
        double ua = (bb.XMax - bb.XMin + 1) * (bb.YMax - bb.YMin + 1) + (gt.XMax - gt.XMin + 1) * (gt.YMax - gt.YMin + 1) - iw * ih;
        return iw * ih / ua;
    }

    private sealed record VocCell(double[] Scores, int[] Indices, byte[] Outcomes, int Positives);
}
