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

    public static CocoMetrics Accumulate(CocoImageEvaluations evaluations, IReadOnlyList<int> imageIndices)
    {
        int k = evaluations.Categories.Count;
        var table = new CocoPrecisionTable(k);
        var entries = new List<ScoreOrder>();
        var cellOf = new List<CocoImageCategoryResult>();
        var positives = new int[CocoParameters.A];
        double[] rc = [], pr = [];

        for (int category = 0; category < k; category++)
        {
            entries.Clear();
            cellOf.Clear();
            Array.Clear(positives);
            for (int p = 0; p < imageIndices.Count; p++)
            {
                var cell = evaluations.Cell(imageIndices[p], category);
                if (cell is null) continue;
                for (int a = 0; a < positives.Length; a++) positives[a] += cell.Positives[a];
                for (int d = 0; d < cell.Scores.Length; d++)
                    entries.Add(new ScoreOrder(cell.Scores[d], (long)p * CocoParameters.MaxDetections[^1] + d, cellOf.Count));
                cellOf.Add(cell);
            }
            var sorted = entries.ToArray();
            Array.Sort(sorted);
            if (rc.Length < sorted.Length) { rc = new double[sorted.Length]; pr = new double[sorted.Length]; }

            for (int a = 0; a < CocoParameters.A; a++)
            {
                if (positives[a] == 0) continue; // stays -1: no ground truth in this range
                for (int m = 0; m < CocoParameters.M; m++)
                    for (int t = 0; t < CocoParameters.T; t++)
                        FillCurve(table, category, a, m, t, sorted, cellOf, positives[a], rc, pr);
            }
        }
        return new CocoMetrics(evaluations.Categories, table);
    }

    private static void FillCurve(
        CocoPrecisionTable table, int category, int a, int m, int t,
        ScoreOrder[] sorted, List<CocoImageCategoryResult> cellOf, int positives, double[] rc, double[] pr)
    {
        int maxDet = CocoParameters.MaxDetections[m];
        int tp = 0, fp = 0, nd = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            // Position encodes the detection's rank within its image: only the first maxDet count.
            int rank = (int)(sorted[i].Position % CocoParameters.MaxDetections[^1]);
            if (rank >= maxDet) continue;
            var cell = cellOf[sorted[i].Item];
            byte outcome = cell.Outcomes[(a * CocoParameters.T + t) * cell.Scores.Length + rank];
            if (outcome == CocoImageCategoryResult.TruePositive) tp++;
            else if (outcome == CocoImageCategoryResult.FalsePositive) fp++;
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
