using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>
/// pycocotools' computeIoU + evaluateImg for one (image, category). Reuses its scratch arrays
/// between calls; not thread-safe.
/// </summary>
internal sealed class CocoMatcher
{
    private static readonly int MaxKept = CocoParameters.MaxDetections[^1];
    private ScoreOrder[] _sorted = new ScoreOrder[16];
    private double[] _ious = new double[256];
    private int[] _gtOrder = new int[16];
    private bool[] _gtIgnored = new bool[16], _gtCrowd = new bool[16], _gtMatched = new bool[16];

    public CocoImageCategoryResult Match(
        GroundTruthObject[] gtObjects, ArraySegment<int> gtIndices, IReadOnlyList<Detection> detections, ArraySegment<int> dtIndices)
    {
        int g = gtIndices.Count;
        int d = SortDetections(detections, dtIndices);
        ComputeIous(gtObjects, gtIndices, detections, d);

        int t = CocoParameters.T, a = CocoParameters.A;
        var scores = new double[d];
        for (int i = 0; i < d; i++) scores[i] = _sorted[i].Score;
        var outcomes = new byte[a * t * d];
        var positives = new int[a];
        EnsureGtScratch(g);

        for (int ai = 0; ai < a; ai++)
        {
            var (lo, hi) = CocoParameters.AreaRanges[ai];
            positives[ai] = OrderGroundTruth(gtObjects, gtIndices, lo, hi);
            for (int ti = 0; ti < t; ti++)
            {
                double threshold = Math.Min(CocoParameters.IouThresholds[ti], 1 - 1e-10);
                Array.Clear(_gtMatched, 0, g);
                int row = (ai * t + ti) * d;
                for (int di = 0; di < d; di++)
                {
                    int m = BestMatch(di, g, threshold);
                    if (m >= 0)
                    {
                        _gtMatched[m] = true;
                        outcomes[row + di] = _gtIgnored[m] ? CocoImageCategoryResult.Ignored : CocoImageCategoryResult.TruePositive;
                    }
                    else
                    {
                        // An unmatched detection outside the area range is ignored, not a false positive.
                        double area = detections[_sorted[di].Item].BoxArea;
                        outcomes[row + di] = area < lo || area > hi ? CocoImageCategoryResult.Ignored : CocoImageCategoryResult.FalsePositive;
                    }
                }
            }
        }
        return new CocoImageCategoryResult(scores, outcomes, positives);
    }

    /// <summary>
    /// evaluateImg's inner loop over ground truth (in ignored-last order): skip matched non-crowd
    /// objects, stop at the first ignored one once a regular match exists, and take the last object
    /// whose IoU is at least the best so far. Returns the position in the ordered ground truth.
    /// </summary>
    private int BestMatch(int di, int g, double threshold)
    {
        double best = threshold;
        int m = -1;
        int row = di * g;
        for (int gi = 0; gi < g; gi++)
        {
            if (_gtMatched[gi] && !_gtCrowd[gi]) continue;
            if (m > -1 && !_gtIgnored[m] && _gtIgnored[gi]) break;
            double iou = _ious[row + _gtOrder[gi]];
            if (iou < best) continue;
            best = iou;
            m = gi;
        }
        return m;
    }

    /// <summary>Stable sort by descending score, keeping at most maxDets[-1]. Returns how many were kept.</summary>
    private int SortDetections(IReadOnlyList<Detection> detections, ArraySegment<int> dtIndices)
    {
        int n = dtIndices.Count;
        if (_sorted.Length < n) _sorted = new ScoreOrder[Math.Max(n, _sorted.Length * 2)];
        for (int i = 0; i < n; i++)
        {
            int index = dtIndices[i];
            _sorted[i] = new ScoreOrder(detections[index].Score, i, index);
        }
        Array.Sort(_sorted, 0, n);
        return Math.Min(n, MaxKept);
    }

    /// <summary>maskApi's bbIou: for a crowd object the union is the detection's own area.</summary>
    private void ComputeIous(GroundTruthObject[] gtObjects, ArraySegment<int> gtIndices, IReadOnlyList<Detection> detections, int d)
    {
        int g = gtIndices.Count;
        if (_ious.Length < d * g) _ious = new double[Math.Max(d * g, _ious.Length * 2)];
        for (int di = 0; di < d; di++)
        {
            var dt = detections[_sorted[di].Item];
            for (int gi = 0; gi < g; gi++)
            {
                var o = gtObjects[gtIndices[gi]];
                _ious[di * g + gi] = Iou(dt.Box, dt.BoxArea, o.Box, o.BoxArea, o.IsCrowd);
            }
        }
    }

    internal static double Iou(BoundingBox dt, double dtArea, BoundingBox gt, double gtArea, bool crowd)
    {
        double w = Math.Min(dt.XMax, gt.XMax) - Math.Max(dt.XMin, gt.XMin);
        if (w <= 0) return 0;
        double h = Math.Min(dt.YMax, gt.YMax) - Math.Max(dt.YMin, gt.YMin);
        if (h <= 0) return 0;
        double intersection = w * h;
        double union = crowd ? dtArea : dtArea + gtArea - intersection;
        return intersection / union;
    }

    /// <summary>Marks crowd and out-of-range objects ignored and orders the others first (stable).
    /// Returns how many are not ignored.</summary>
    private int OrderGroundTruth(GroundTruthObject[] gtObjects, ArraySegment<int> gtIndices, double lo, double hi)
    {
        int g = gtIndices.Count, next = 0, positives = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            bool wantIgnored = pass == 1;
            for (int gi = 0; gi < g; gi++)
            {
                var o = gtObjects[gtIndices[gi]];
                bool ignored = o.IsCrowd || o.Area < lo || o.Area > hi;
                if (ignored != wantIgnored) continue;
                _gtOrder[next] = gi;
                _gtIgnored[next] = ignored;
                _gtCrowd[next] = o.IsCrowd;
                next++;
            }
            if (pass == 0) positives = next;
        }
        return positives;
    }

    private void EnsureGtScratch(int g)
    {
        if (_gtOrder.Length >= g) return;
        int n = Math.Max(g, _gtOrder.Length * 2);
        _gtOrder = new int[n];
        _gtIgnored = new bool[n];
        _gtCrowd = new bool[n];
        _gtMatched = new bool[n];
    }
}
