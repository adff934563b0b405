namespace AutoRetrain.Core.Metrics;

/// <summary>
/// The devkit's two AP definitions over a precision-recall curve. A NaN precision (no hit and
/// no miss yet, only difficult matches) is skipped, as MATLAB's max skips NaN.
/// </summary>
public static class VocAveragePrecision
{
    /// <summary>
    /// VOC2007: mean over recall levels 0, 0.1, ..., 1 of the best precision at recall ≥ level
    /// (0 when the level is never reached). Levels are k / 10 exactly, so a recall of exactly 0.3
    /// reaches the 0.3 level (np.arange's 3 * 0.1 = 0.30000000000000004 would not).
    /// </summary>
    public static double ElevenPoint(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        double ap = 0;
        for (int level = 0; level <= 10; level++)
        {
            double t = level / 10.0, p = 0;
            for (int i = 0; i < recall.Count; i++)
                if (recall[i] >= t && precision[i] > p) p = precision[i];
            ap += p / 11;
        }
        return ap;
    }

    /// <summary>
    /// VOC2010+ (VOCap): precision made monotone from the right, then the area under the step
    /// curve at the points where recall changes, with (0, 0) prepended and (1, 0) appended.
    /// </summary>
    public static double AllPoint(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        int n = recall.Count + 2;
        var mrec = new double[n];
        var mpre = new double[n];
        for (int i = 0; i < recall.Count; i++) { mrec[i + 1] = recall[i]; mpre[i + 1] = precision[i]; }
        mrec[n - 1] = 1;
        for (int i = n - 2; i >= 0; i--)
            if (double.IsNaN(mpre[i]) || mpre[i + 1] > mpre[i]) mpre[i] = mpre[i + 1];
        double ap = 0;
        for (int i = 1; i < n; i++)
            if (mrec[i] != mrec[i - 1]) ap += (mrec[i] - mrec[i - 1]) * mpre[i];
        return ap;
    }
}
