namespace AutoRetrain.Core.Metrics;

/// <summary>
/// <c>np.mean</c> of a contiguous float64 array, summed in numpy's pairwise order (blocks of 128
/// with 8 partial sums) so the summaries agree with pycocotools to the last bit, not only to
/// three decimals.
/// </summary>
internal static class NumpyMean
{
    private const int BlockSize = 128;

    /// <summary>Mean of the values, or -1 when there are none (summarize()'s convention).</summary>
    public static double MeanOrMinusOne(List<double> values)
    {
        if (values.Count == 0) return -1;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        return PairwiseSum(span) / values.Count;
    }

    internal static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= BlockSize)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
