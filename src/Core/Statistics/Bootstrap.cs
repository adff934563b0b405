using static System.FormattableString;
namespace AutoRetrain.Core.Statistics;

/// <summary>
/// The percentile bootstrap used wherever a decision must tell a real change from noise (the promotion
/// gate, performance drift). The caller passes the <see cref="Random"/> so that a decision replays
/// bit for bit from its seed.
/// </summary>
public static class Bootstrap
{
    /// <summary>Indices 0..n-1 drawn n times with replacement.</summary>
    public static int[] Resample(int n, Random random)
    {
        if (n <= 0)
            throw new AutoRetrainException($"Bootstrap: cannot resample {n} items; at least one is needed.");
        var indices = new int[n];
        for (var i = 0; i < n; i++)
            indices[i] = random.Next(n);
        return indices;
    }

    /// <summary>
    /// The central percentile interval holding <paramref name="confidence"/> of the values
    /// (for 0.95: the 2.5th and 97.5th percentiles, linear interpolation between order statistics).
    /// </summary>
    public static ConfidenceInterval PercentileInterval(IReadOnlyList<double> values, double confidence)
    {
        if (values.Count == 0)
            throw new AutoRetrainException("Bootstrap: no resampled values to build an interval from.");
        if (confidence is <= 0 or >= 1)
            throw new AutoRetrainException($"Bootstrap: confidence {confidence} must lie strictly between 0 and 1.");
        var sorted = values.Order().ToArray();
        var tail = (1 - confidence) / 2;
        return new ConfidenceInterval(Percentile(sorted, tail), Percentile(sorted, 1 - tail), confidence);
    }

    /// <summary>Percentile of sorted values, p in [0, 1], linear interpolation (the "type 7" rule).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

/// <summary>A two-sided interval with the confidence it was built for.</summary>
public sealed record ConfidenceInterval(double Low, double High, double Confidence)
{
    public bool IsAbove(double value) => Low > value;

    public bool IsBelow(double value) => High < value;

    public override string ToString() => Invariant($"[{Low:0.000}, {High:0.000}] ({Confidence:P0})");
}
