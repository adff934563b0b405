using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using SkiaSharp;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>Encodes pixels as PNG, JPEG (SkiaSharp) or GeoTIFF (LibTiff.NET).</summary>
public static class ImageWriter
{
    /// <summary>The highest PNG compression level that counts as the fast setting.</summary>
    public const int FastPngLevel = 3;

    /// <param name="compressionLevel">zlib level 0–9: 6 is libpng's default. Levels up to 3 are the fast setting:
    /// they also use the Paeth row filter alone instead of trying all five per row, which halves the encoding time
    /// of a noisy 256×256 tile for about 6 % more bytes.</param>
    public static byte[] EncodePng(int width, int height, byte[] rgb8, int compressionLevel = 6)
    {
        if (compressionLevel is < 0 or > 9)
            throw new AutoRetrainException($"PNG compression level must be 0–9, got {compressionLevel}.");
        return EncodeWithSkia(width, height, rgb8, SKEncodedImageFormat.Png, compressionLevel);
    }

    public static byte[] EncodeJpeg(int width, int height, byte[] rgb8, int quality = 90)
    {
        if (quality is < 1 or > 100)
            throw new AutoRetrainException($"JPEG quality must be 1–100, got {quality}.");
        return EncodeWithSkia(width, height, rgb8, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>A TIFF of any raster (8/16 bit, 1/3/4 bands), with GeoTIFF tags when <paramref name="geo"/> is given.</summary>
    public static byte[] EncodeGeoTiff(RasterImage image, GeoReference? geo = null, bool tiled = false,
        TiffCompressionKind compression = TiffCompressionKind.Deflate)
    {
        ArgumentNullException.ThrowIfNull(image);
        return TiffImageEncoder.Encode(image, geo ?? image.Info.Geo, tiled, compression);
    }

    private static byte[] EncodeWithSkia(int width, int height, byte[] rgb8, SKEncodedImageFormat format, int qualityOrLevel)
    {
        ArgumentNullException.ThrowIfNull(rgb8);
        if (width <= 0 || height <= 0 || rgb8.LongLength != (long)width * height * 3)
            throw new AutoRetrainException($"{format} encoding needs {width}×{height}×3 RGB bytes, got {rgb8.LongLength}.");

        // Skia has no packed 24-bit layout: widen to opaque RGBA.
        var rgba = new byte[(long)width * height * 4];
        for (long p = 0, s = 0, o = 0; s < rgb8.LongLength; p++, s += 3, o += 4)
        {
            rgba[o] = rgb8[s]; rgba[o + 1] = rgb8[s + 1]; rgba[o + 2] = rgb8[s + 2]; rgba[o + 3] = 255;
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = (format == SKEncodedImageFormat.Png
                ? pixmap.Encode(new SKPngEncoderOptions(
                    qualityOrLevel <= FastPngLevel ? SKPngEncoderFilterFlags.Paeth : SKPngEncoderFilterFlags.AllFilters, qualityOrLevel))
                : pixmap.Encode(new SKJpegEncoderOptions(qualityOrLevel, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
            ?? throw new AutoRetrainException($"SkiaSharp could not encode a {width}×{height} {format}.");
        return data.ToArray();
    }
}
