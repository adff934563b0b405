namespace AutoRetrain.Core.Metrics;

/// <summary>
/// pycocotools' accumulate(): per category, the kept detections of the chosen images are
/// concatenated (image order, then each image's score order), stably sorted by score, and turned
/// into a precision-recall curve per area range, maxDets and IoU threshold.
/// </summary>
internal static class CocoAccumulator
{
    // np.spacing(1): keeps tp / (tp + fp) defined when both are 0, and is why one lone true
    // positive gives a precision of 0.9999999999999998 rather than 1.
    private const double Epsilon = 2.220446049250313e-16;

    /// <remarks>Categories are independent and each writes only its own slots of the table, so they
    /// run in parallel; the result does not depend on the number of threads.</remarks>
    public static CocoMetrics Accumulate(CocoImageEvaluations evaluations, IReadOnlyList<int> imageIndices)
    {
        var table = new CocoPrecisionTable(evaluations.Categories.Count);
        Parallel.For(0, evaluations.Categories.Count, () => new Scratch(), (category, _, scratch) =>
        {
            AccumulateCategory(evaluations, imageIndices, category, table, scratch);
            return scratch;
        }, _ => { });
        return new CocoMetrics(evaluations.Categories, table);
    }

    private sealed class Scratch
    {
        public readonly List<ScoreOrder> Entries = [];
        public readonly List<CocoImageCategoryResult> CellOf = [];
        public readonly int[] Positives = new int[CocoParameters.A];
        public double[] Rc = [], Pr = [];
        public byte[] Ranks = [], Outcomes = [];
    }

    private static void AccumulateCategory(
        CocoImageEvaluations evaluations, IReadOnlyList<int> imageIndices, int category, CocoPrecisionTable table, Scratch s)
    {
        s.Entries.Clear();
        s.CellOf.Clear();
        Array.Clear(s.Positives);
        for (int p = 0; p < imageIndices.Count; p++)
        {
            var cell = evaluations.Cell(imageIndices[p], category);
            if (cell is null) continue;
            for (int a = 0; a < s.Positives.Length; a++) s.Positives[a] += cell.Positives[a];
            for (int d = 0; d < cell.Scores.Length; d++)
                s.Entries.Add(new ScoreOrder(cell.Scores[d], (long)p * CocoParameters.MaxDetections[^1] + d, s.CellOf.Count));
            s.CellOf.Add(cell);
        }
        var sorted = s.Entries.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        if (s.Rc.Length < n) { s.Rc = new double[n]; s.Pr = new double[n]; s.Ranks = new byte[n]; s.Outcomes = new byte[n]; }
        for (int i = 0; i < n; i++) s.Ranks[i] = (byte)(sorted[i].Position % CocoParameters.MaxDetections[^1]);

        for (int a = 0; a < CocoParameters.A; a++)
        {
            if (s.Positives[a] == 0) continue; // stays -1: no ground truth in this range
            for (int t = 0; t < CocoParameters.T; t++)
            {
                // Gather this (area, threshold)'s outcomes in score order once, for all maxDets.
                int row = a * CocoParameters.T + t;
                for (int i = 0; i < n; i++)
                {
                    var cell = s.CellOf[sorted[i].Item];
                    s.Outcomes[i] = cell.Outcomes[row * cell.Scores.Length + s.Ranks[i]];
                }
                for (int m = 0; m < CocoParameters.M; m++)
                    FillCurve(table, category, a, m, t, s.Ranks.AsSpan(0, n), s.Outcomes.AsSpan(0, n), s.Positives[a], s.Rc, s.Pr);
            }
        }
    }

    /// <remarks>
    /// Ignored detections are left out of rc and pr: pycocotools keeps them, but each repeats the
    /// previous entry's (rc, pr) (or (0, 0) before the first counted one), so neither the
    /// right-to-left maximum nor the left search can tell the difference, and skipping them makes
    /// the small/medium/large curves, where most detections are ignored, much cheaper.
    /// </remarks>
    private static void FillCurve(
        CocoPrecisionTable table, int category, int a, int m, int t,
        ReadOnlySpan<byte> ranks, ReadOnlySpan<byte> outcomes, int positives, double[] rc, double[] pr)
    {
        int maxDet = CocoParameters.MaxDetections[m];
        int tp = 0, fp = 0, nd = 0;
        for (int i = 0; i < outcomes.Length; i++)
        {
            if (ranks[i] >= maxDet) continue;
            byte outcome = outcomes[i];
            if (outcome == CocoImageCategoryResult.TruePositive) tp++;
            else if (outcome == CocoImageCategoryResult.FalsePositive) fp++;
            else continue;
            rc[nd] = (double)tp / positives;
            pr[nd] = tp / ((double)fp + tp + Epsilon);
            nd++;
        }
        table.SetRecall(t, category, a, m, nd > 0 ? rc[nd - 1] : 0);

        for (int i = nd - 1; i > 0; i--)
            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];

        // np.searchsorted(rc, recThrs, side='left'): first index with rc >= threshold; past the end → 0.
        var thresholds = CocoParameters.RecallThresholds;
        int pi = 0;
        for (int r = 0; r < thresholds.Length; r++)
        {
            while (pi < nd && rc[pi] < thresholds[r]) pi++;
            table.SetPrecision(t, r, category, a, m, pi < nd ? pr[pi] : 0);
        }
    }
}
