using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// Decoded pixels. <see cref="Samples"/> holds every sample, interleaved (band fastest), rows
/// top to bottom, as <c>ushort</c> whatever the bit depth: 8-bit images hold 0–255, 16-bit
/// images 0–65535. One element type keeps every consumer to one code path; the extra memory for
/// 8-bit images is bounded by <see cref="ImageLimits"/>.
/// </summary>
public sealed class RasterImage
{
    public ImageInfo Info { get; }
    public ushort[] Samples { get; }

    public int Width => Info.Width;
    public int Height => Info.Height;
    public int Bands => Info.Bands;
    public int BitsPerSample => Info.BitsPerSample;

    public RasterImage(ImageInfo info, ushort[] samples)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(samples);
        if (info.Width <= 0 || info.Height <= 0)
            throw new AutoRetrainException($"a raster needs a positive size, got {info.Width}×{info.Height}.");
        if (info.Bands is not (1 or 3 or 4))
            throw new AutoRetrainException($"a raster has 1, 3 or 4 bands, got {info.Bands}.");
        if (info.BitsPerSample is not (8 or 16))
            throw new AutoRetrainException($"a raster has 8- or 16-bit samples, got {info.BitsPerSample}.");
        long expected = info.PixelCount * info.Bands;
        if (samples.LongLength != expected)
            throw new AutoRetrainException(
                $"a {info.Width}×{info.Height}×{info.Bands} raster needs {expected} samples, got {samples.LongLength}.");
        Info = info;
        Samples = samples;
    }

    /// <summary>An 8-bit raster from interleaved RGB bytes (what the generator and the encoders use).</summary>
    public static RasterImage FromRgb8(int width, int height, byte[] rgb8, ImageFormat format = ImageFormat.Png, GeoReference? geo = null)
    {
        ArgumentNullException.ThrowIfNull(rgb8);
        var samples = new ushort[rgb8.Length];
        for (int i = 0; i < rgb8.Length; i++) samples[i] = rgb8[i];
        return new RasterImage(new ImageInfo(format, width, height, 3, 8, geo), samples);
    }

    /// <summary>
    /// Interleaved 8-bit RGB for display and training: one band is repeated as grey, three are
    /// kept, a fourth (alpha or near-infrared) is dropped. 16-bit samples go through a per-band
    /// 2 %–98 % percentile stretch (<see cref="PercentileStretch"/>) over the whole scene.
    /// </summary>
    public byte[] ToRgb8()
    {
        var lookups = new byte[Math.Min(Bands, 3)][];
        for (int band = 0; band < lookups.Length; band++)
            lookups[band] = BitsPerSample == 8 ? PercentileStretch.Identity8 : PercentileStretch.For16BitBand(Samples, Bands, band);
        var rgb = new byte[checked(Width * Height * 3)];
        MapToRgb8(Samples, Bands, lookups, rgb);
        return rgb;
    }

    /// <summary>Maps interleaved samples of <paramref name="bands"/> bands to interleaved RGB bytes through one lookup per
    /// kept band (grey repeated, a fourth band dropped): the one mapping of whole scenes and of windows.</summary>
    internal static void MapToRgb8(ReadOnlySpan<ushort> samples, int bands, byte[][] lookups, Span<byte> rgb)
    {
        int pixels = rgb.Length / 3;
        for (int p = 0, s = 0, o = 0; p < pixels; p++, s += bands, o += 3)
        {
            if (bands == 1)
            {
                byte grey = lookups[0][samples[s]];
                rgb[o] = grey; rgb[o + 1] = grey; rgb[o + 2] = grey;
            }
            else
            {
                rgb[o] = lookups[0][samples[s]];
                rgb[o + 1] = lookups[1][samples[s + 1]];
                rgb[o + 2] = lookups[2][samples[s + 2]];
            }
        }
    }
}
