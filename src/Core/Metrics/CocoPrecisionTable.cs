namespace AutoRetrain.Core.Metrics;

/// <summary>
/// accumulate()'s <c>precision[T, R, K, A, M]</c> and <c>recall[T, K, A, M]</c>, with -1 where a
/// category has no ground truth in an area range.
/// </summary>
public sealed class CocoPrecisionTable
{
    private readonly double[] _precision;
    private readonly double[] _recall;

    internal CocoPrecisionTable(int categoryCount)
    {
        CategoryCount = categoryCount;
        _precision = new double[CocoParameters.T * CocoParameters.R * categoryCount * CocoParameters.A * CocoParameters.M];
        _recall = new double[CocoParameters.T * categoryCount * CocoParameters.A * CocoParameters.M];
        Array.Fill(_precision, -1);
        Array.Fill(_recall, -1);
    }

    public int CategoryCount { get; }

    /// <summary>Interpolated precision at IoU threshold t, recall point r, category k, area range a, maxDets index m.</summary>
    public double Precision(int t, int r, int k, int a, int m) => _precision[PrecisionIndex(t, r, k, a, m)];

    /// <summary>Recall reached at IoU threshold t, category k, area range a, maxDets index m.</summary>
    public double Recall(int t, int k, int a, int m) => _recall[RecallIndex(t, k, a, m)];

    internal void SetPrecision(int t, int r, int k, int a, int m, double value) => _precision[PrecisionIndex(t, r, k, a, m)] = value;

    internal void SetRecall(int t, int k, int a, int m, double value) => _recall[RecallIndex(t, k, a, m)] = value;

    private int PrecisionIndex(int t, int r, int k, int a, int m) =>
        (((t * CocoParameters.R + r) * CategoryCount + k) * CocoParameters.A + a) * CocoParameters.M + m;

    private int RecallIndex(int t, int k, int a, int m) =>
        ((t * CategoryCount + k) * CocoParameters.A + a) * CocoParameters.M + m;
}
