namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// Maps 16-bit samples to 8-bit. Overhead sensors rarely fill the 16-bit range (12-bit data, dark
/// scenes), so dividing by 257 gives near-black images; scaling by the band's own min and max lets
/// a few hot or dead pixels decide the contrast. The usual remedy in GIS viewers is a linear
/// stretch between the 2nd and 98th percentile of each band, clipping the 2 % tails: it is robust to
/// outliers and keeps the look of the scene stable whatever the sensor's range.
/// </summary>
internal static class PercentileStretch
{
    public const double LowPercentile = 0.02;
    public const double HighPercentile = 0.98;

    public static readonly byte[] Identity8 = BuildIdentity();

    /// <summary>A 65,536-entry lookup from a 16-bit sample of <paramref name="band"/> to 0–255.</summary>
    public static byte[] For16BitBand(ushort[] samples, int bands, int band)
    {
        var histogram = new long[65536];
        long count = 0;
        for (long i = band; i < samples.LongLength; i += bands, count++)
            histogram[samples[i]]++;
        return FromHistogram(histogram, count);
    }

    /// <summary>The lookup from a band's histogram of 16-bit samples (<paramref name="count"/> samples in all); a scene
    /// read by windows accumulates it block by block and gets the same lookup as when decoded whole.</summary>
    public static byte[] FromHistogram(long[] histogram, long count)
    {
        int low = ValueAtRank(histogram, (long)Math.Floor(LowPercentile * (count - 1)));
        int high = ValueAtRank(histogram, (long)Math.Ceiling(HighPercentile * (count - 1)));
        if (high <= low) high = low + 1;   // a flat band: everything at or below it is black

        var lookup = new byte[65536];
        double scale = 255.0 / (high - low);
        for (int v = 0; v < lookup.Length; v++)
            lookup[v] = (byte)Math.Clamp(Math.Round((v - low) * scale), 0, 255);
        return lookup;
    }

    private static int ValueAtRank(long[] histogram, long rank)
    {
        long seen = 0;
        for (int v = 0; v < histogram.Length; v++)
        {
            seen += histogram[v];
            if (seen > rank) return v;
        }
        return histogram.Length - 1;
    }

    private static byte[] BuildIdentity()
    {
        var lookup = new byte[65536];
        for (int v = 0; v < 256; v++) lookup[v] = (byte)v;
        for (int v = 256; v < lookup.Length; v++) lookup[v] = 255;
        return lookup;
    }
}
