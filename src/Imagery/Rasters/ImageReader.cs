using AutoRetrain.Core.Tiles;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// Reads PNG, JPEG and (Geo)TIFF from bytes, recognising the format by its magic bytes. Every
/// failure is an <see cref="ImageDecodeException"/> whose code says why (empty, unsupported,
/// truncated, corrupt, too large) and whose message names <c>sourceName</c>.
/// </summary>
public static class ImageReader
{
    /// <summary>The format announced by the first bytes; null when it is none AutoRetrain reads.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> bytes) => ImageMagic.Sniff(bytes);

    /// <summary>Size, bands, bit depth and georeference from the header, without decoding pixels.</summary>
    public static ImageInfo ReadInfo(ReadOnlyMemory<byte> bytes, string sourceName, ImageLimits? limits = null)
    {
        var (format, checkedLimits) = Recognise(bytes.Span, sourceName, limits);
        return format == ImageFormat.Tiff
            ? TiffImageDecoder.ReadInfo(bytes, sourceName, checkedLimits)
            : SkiaImageDecoder.ReadInfo(bytes.Span, format, sourceName, checkedLimits);
    }

    /// <summary>Every pixel, after the header's size has been checked against the limits.</summary>
    public static RasterImage Decode(ReadOnlyMemory<byte> bytes, string sourceName, ImageLimits? limits = null)
    {
        var (format, checkedLimits) = Recognise(bytes.Span, sourceName, limits);
        return format == ImageFormat.Tiff
            ? TiffImageDecoder.Decode(bytes, sourceName, checkedLimits)
            : SkiaImageDecoder.Decode(bytes.Span, format, sourceName, checkedLimits);
    }

    /// <summary>
    /// The 8-bit RGB that <see cref="RasterImage.ToRgb8"/> of <see cref="Decode"/> gives, and the image's description;
    /// 8-bit PNG and JPEG go straight from the codec to RGB, without the intermediate sample array.
    /// </summary>
    public static byte[] DecodeRgb8(ReadOnlyMemory<byte> bytes, string sourceName, out ImageInfo info, ImageLimits? limits = null)
    {
        var (format, checkedLimits) = Recognise(bytes.Span, sourceName, limits);
        if (format != ImageFormat.Tiff && SkiaImageDecoder.DecodeRgb8(bytes.Span, format, sourceName, checkedLimits, out info) is { } rgb)
            return rgb;
        var image = Decode(bytes, sourceName, limits);
        info = image.Info;
        return image.ToRgb8();
    }

    private static (ImageFormat Format, ImageLimits Limits) Recognise(ReadOnlySpan<byte> bytes, string sourceName, ImageLimits? limits)
    {
        limits ??= ImageLimits.Default;
        if (bytes.IsEmpty)
            throw new ImageDecodeException(ProblemCode.EmptyFile, sourceName, "the file is empty (0 bytes).");
        ImageLimitChecks.CheckFileSize(bytes.Length, sourceName, limits);
        var format = Sniff(bytes) ?? throw new ImageDecodeException(ProblemCode.UnsupportedFormat, sourceName,
            $"not a PNG, JPEG or TIFF image (the file starts with {Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)])}).");
        return (format, limits);
    }
}
