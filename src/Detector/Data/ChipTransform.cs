using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Data;

/// <summary>
/// How one training chip is cut from a tile: a square region at <see cref="OriginX"/>, <see cref="OriginY"/>
/// scaled by <see cref="Scale"/> to the chip size (scale jitter), then one of the 8 symmetries of the square
/// (flips and 90° rotations: overhead imagery has no "up"), then colour jitter. Identity for evaluation.
/// </summary>
public sealed record ChipTransform(double OriginX, double OriginY, double Scale, bool Flip, int Rotations,
    float Brightness, float Contrast, float[] ChannelGain)
{
    public static ChipTransform Identity { get; } = new(0, 0, 1, false, 0, 0, 1, [1, 1, 1]);

    /// <summary>A random augmentation for a tile of this size. Without a <paramref name="window"/> the chip's region is
    /// placed at random in the tile (centred on an axis where the tile is smaller); with one it is centred on the window
    /// (a scene window from <c>SceneWindows</c>) and kept inside the tile. <paramref name="baseScale"/> is the resampling
    /// (chip pixels per tile pixel) the scale jitter multiplies.</summary>
    public static ChipTransform Random(Random rng, int tileWidth, int tileHeight, int chipSize, AugmentationOptions options,
        double baseScale = 1, BoundingBox? window = null)
    {
        double scale = baseScale * (options.ScaleJitter > 0 ? Math.Exp((rng.NextDouble() * 2 - 1) * Math.Log(1 + options.ScaleJitter)) : 1);
        double region = chipSize / scale;
        double x0, y0;
        if (window is { } w)
            (x0, y0) = (Around(w.CenterX, tileWidth, region), Around(w.CenterY, tileHeight, region));
        else
        {
            x0 = tileWidth > region ? rng.NextDouble() * (tileWidth - region) : (tileWidth - region) / 2;
            y0 = tileHeight > region ? rng.NextDouble() * (tileHeight - region) : (tileHeight - region) / 2;
        }
        float Jitter(double amount) => (float)((rng.NextDouble() * 2 - 1) * amount);
        return new ChipTransform(Math.Floor(x0), Math.Floor(y0), scale,
            options.FlipsAndRotations && rng.Next(2) == 1, options.FlipsAndRotations ? rng.Next(4) : 0,
            Jitter(options.Brightness), 1 + Jitter(options.Contrast),
            [1 + Jitter(options.ChannelGain), 1 + Jitter(options.ChannelGain), 1 + Jitter(options.ChannelGain)]);
    }

    /// <summary>No augmentation: the region of <paramref name="chipSize"/>/<paramref name="baseScale"/> tile pixels at the
    /// window (centred on it), or at the tile's origin without one.</summary>
    public static ChipTransform Plain(int tileWidth, int tileHeight, int chipSize, double baseScale = 1, BoundingBox? window = null)
    {
        if (window is not { } w) return baseScale == 1 ? Identity : Identity with { Scale = baseScale };
        double region = chipSize / baseScale;
        return Identity with
        {
            OriginX = Math.Floor(Around(w.CenterX, tileWidth, region)), OriginY = Math.Floor(Around(w.CenterY, tileHeight, region)),
            Scale = baseScale,
        };
    }

    /// <summary>The start of a region of this length centred on <paramref name="centre"/>, kept inside the tile when it fits.</summary>
    private static double Around(double centre, int length, double region) =>
        length > region ? Math.Clamp(centre - region / 2, 0, length - region) : (length - region) / 2;

    /// <summary>Maps a point of the scaled, unrotated chip frame through the flip and rotations.</summary>
    public (double X, double Y) Orient(double x, double y, int size)
    {
        if (Flip) x = size - x;
        for (int r = 0; r < Rotations; r++) (x, y) = (size - y, x);
        return (x, y);
    }

    /// <summary>A tile box in chip coordinates, clipped to the chip; null when too little of it remains visible.</summary>
    public BoundingBox? MapBox(BoundingBox box, int size, double minVisibleFraction = 0.4)
    {
        var scaled = new BoundingBox((box.XMin - OriginX) * Scale, (box.YMin - OriginY) * Scale,
                                     (box.XMax - OriginX) * Scale, (box.YMax - OriginY) * Scale);
        var clipped = scaled.Intersect(new BoundingBox(0, 0, size, size));
        if (clipped.Width <= 0 || clipped.Height <= 0 || clipped.Area < minVisibleFraction * scaled.Area) return null;
        var (ax, ay) = Orient(clipped.XMin, clipped.YMin, size);
        var (bx, by) = Orient(clipped.XMax, clipped.YMax, size);
        return new BoundingBox(Math.Min(ax, bx), Math.Min(ay, by), Math.Max(ax, bx), Math.Max(ay, by));
    }
}

/// <summary>Augmentations that suit overhead imagery; the trainer's configuration can switch each off.</summary>
public sealed record AugmentationOptions
{
    public bool FlipsAndRotations { get; init; } = true;
    /// <summary>Relative scale range: 0.25 draws scales in [1/1.25, 1.25], log-uniform.</summary>
    public double ScaleJitter { get; init; } = 0.25;
    public double Brightness { get; init; } = 0.15;
    public double Contrast { get; init; } = 0.15;
    public double ChannelGain { get; init; } = 0.05;

    public static AugmentationOptions None { get; } = new() { FlipsAndRotations = false, ScaleJitter = 0, Brightness = 0, Contrast = 0, ChannelGain = 0 };
}
