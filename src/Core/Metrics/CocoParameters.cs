namespace AutoRetrain.Core.Metrics;

/// <summary>
/// pycocotools' default bbox parameters, computed with the same floating-point operations as
/// its <c>np.linspace</c> calls, because recall values are compared against them exactly
/// (for example 7 * 0.01 is 0.07000000000000001, not 0.07).
/// </summary>
public static class CocoParameters
{
    /// <summary>IoU thresholds .50:.05:.95 (np.linspace(.5, .95, 10)).</summary>
    public static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);

    /// <summary>Recall points 0:.01:1 (np.linspace(0, 1, 101)).</summary>
    public static readonly double[] RecallThresholds = Linspace(0.0, 1.0, 101);

    /// <summary>Detections kept per image and category, ascending; the last one is used for matching.</summary>
    public static readonly int[] MaxDetections = [1, 10, 100];

    /// <summary>Area ranges all, small, medium, large; both ends inclusive, as in evaluateImg.</summary>
    public static readonly (double Min, double Max)[] AreaRanges =
        [(0, 1e5 * 1e5), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e5 * 1e5)];

    public static readonly string[] AreaRangeLabels = ["all", "small", "medium", "large"];

    public const int AllAreas = 0, Small = 1, Medium = 2, Large = 3;
    public const int Iou50 = 0, Iou75 = 5;

    internal static int T => IouThresholds.Length;
    internal static int R => RecallThresholds.Length;
    internal static int A => AreaRanges.Length;
    internal static int M => MaxDetections.Length;

    private static double[] Linspace(double start, double stop, int num)
    {
        // numpy: step = (stop - start) / (num - 1); y = arange(num) * step + start; y[-1] = stop.
        double step = (stop - start) / (num - 1);
        var y = new double[num];
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[num - 1] = stop;
        return y;
    }
}
