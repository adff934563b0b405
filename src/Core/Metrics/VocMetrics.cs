namespace AutoRetrain.Core.Metrics;

/// <summary>PASCAL VOC AP per category and their mean over categories with ground truth.</summary>
public sealed class VocMetrics
{
    internal VocMetrics(IReadOnlyList<string> categories, double[] perClassAP, double iouThreshold, bool elevenPoint)
    {
        Categories = categories;
        PerClassAP = perClassAP;
        IouThreshold = iouThreshold;
        ElevenPoint = elevenPoint;
        double sum = 0;
        int n = 0;
        foreach (double ap in perClassAP)
            if (ap > -1) { sum += ap; n++; }
        MeanAP = n == 0 ? -1 : sum / n;
    }

    public IReadOnlyList<string> Categories { get; }

    /// <summary>AP per category index; -1 for a category with no (non-difficult) ground truth, which the mean skips.</summary>
    public IReadOnlyList<double> PerClassAP { get; }

    /// <summary>Mean AP over the categories that have ground truth; -1 when none has.</summary>
    public double MeanAP { get; }

    public double IouThreshold { get; }
    public bool ElevenPoint { get; }
}
