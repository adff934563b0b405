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

    /// <summary>
    /// The description of an image file without reading all of it: a TIFF's directory through a file stream, a PNG's or
    /// JPEG's header from the file's first megabyte (the whole file when its header lies further in). Listing 200
    /// scenes of 4,096 px reads 200 headers, not 6 GB.
    /// </summary>
    public static ImageInfo ReadInfo(string path, string? sourceName = null, ImageLimits? limits = null)
    {
        sourceName ??= path;
        limits ??= ImageLimits.Default;
        byte[] prefix;
        long length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            length = stream.Length;
            prefix = new byte[(int)Math.Min(length, HeaderPrefixBytes)];
            stream.ReadExactly(prefix);
        }
        ImageLimitChecks.CheckFileSize(length, sourceName, limits);
        // A file within the prefix, or one that is no image: the in-memory path says what it is or what is wrong.
        if (length == prefix.Length || Sniff(prefix) is not { } format)
            return ReadInfo(prefix, sourceName, limits);
        if (format == ImageFormat.Tiff)
        {
            using var reader = TiffWindowReader.Open(path, sourceName, limits);
            return reader.Info;
        }
        try
        {
            return SkiaImageDecoder.ReadInfo(prefix, format, sourceName, limits);
        }
        catch (ImageDecodeException ex) when (ex.Code == Core.Labels.ProblemCode.TruncatedImage)
        {
            return ReadInfo(File.ReadAllBytes(path), sourceName, limits);
        }
    }

    private const int HeaderPrefixBytes = 1 << 20;

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
    public static byte[] DecodeRgb8(ReadOnlyMemory<byte> bytes, string sourceName, out ImageInfo info, ImageLimits? limits = null,
        byte[]? into = null)
    {
        var (format, checkedLimits) = Recognise(bytes.Span, sourceName, limits);
        if (format != ImageFormat.Tiff && SkiaImageDecoder.DecodeRgb8(bytes.Span, format, sourceName, checkedLimits, out info, into) is { } rgb)
            return rgb;
        var image = Decode(bytes, sourceName, limits);
        info = image.Info;
        var converted = image.ToRgb8();
        if (into is null) return converted;
        CheckDestination(into, info, sourceName);
        converted.CopyTo(into, 0);
        return into;
    }

    /// <summary>
    /// <see cref="DecodeRgb8(ReadOnlyMemory{byte}, string, out ImageInfo, ImageLimits?, byte[])"/> of the file at
    /// <paramref name="path"/>. An 8-bit PNG or JPEG is decoded from the open file, so the compressed file is never held
    /// whole (the decoded-scene cache decodes every scene again each epoch); a TIFF is read by bands of rows
    /// (<see cref="DecodeTiffRgb8"/>); a 16-bit PNG is read whole.
    /// </summary>
    public static byte[] DecodeRgb8(string path, out ImageInfo info, string? sourceName = null, ImageLimits? limits = null, byte[]? into = null)
    {
        sourceName ??= path;
        limits ??= ImageLimits.Default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        long length = stream.Length;
        ImageLimitChecks.CheckFileSize(length, sourceName, limits);
        Span<byte> header = stackalloc byte[StreamedHeaderBytes];
        int read = length >= StreamedHeaderBytes ? stream.ReadAtLeast(header, StreamedHeaderBytes, throwOnEndOfStream: false) : 0;
        var format = read == StreamedHeaderBytes ? Sniff(header) : null;
        if (format is ImageFormat.Png or ImageFormat.Jpeg && !(format == ImageFormat.Png && Png16Decoder.Handles(header)))
        {
            if (SkiaImageDecoder.DecodeRgb8(stream, header, format.Value, sourceName, limits, out info, into) is { } rgb)
                return rgb;
        }
        if (format == ImageFormat.Tiff)
            return DecodeTiffRgb8(stream, sourceName, limits, out info, into); // the reader disposes the stream; the using again is harmless
        // Short files, 16-bit PNG and anything that is no image: the in-memory path decodes or says what is wrong.
        stream.Position = 0;
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return DecodeRgb8(bytes, sourceName, out info, limits, into);
    }

    /// <summary>
    /// A TIFF decoded through <see cref="TiffWindowReader"/> a band of rows at a time (about a million samples, pooled)
    /// straight into the RGB array: the same bytes as the whole decode (16-bit stretched by the whole scene's
    /// percentiles), without the file's bytes or the scene's 16-bit samples held whole.
    /// </summary>
    private static byte[] DecodeTiffRgb8(FileStream file, string sourceName, ImageLimits limits, out ImageInfo info, byte[]? into)
    {
        // Any strip size: the whole image passed the limits, and a single-strip scene is read once either way. Bands are
        // whole rows of strips or tiles, so each block is decoded once and none needs keeping (its pooled samples go
        // back for the next one: a cache of them would hold the whole scene's samples, rented afresh every decode).
        using var reader = TiffWindowReader.Open(file, sourceName, limits, maxBlockBytes: long.MaxValue, cacheBytes: 0);
        info = reader.Info;
        if (into is not null) CheckDestination(into, info, sourceName);
        var rgb = into ?? new byte[checked(info.PixelCount * 3)];
        int blockRows = reader.BlockHeight;
        int rowsPerBand = (int)Math.Min(info.Height, Math.Max(1, (1 << 20) / ((long)info.Width * info.Bands * blockRows)) * blockRows);
        for (int y = 0; y < info.Height; y += rowsPerBand)
        {
            int rows = Math.Min(rowsPerBand, info.Height - y);
            reader.ReadRgb8(0, y, info.Width, rows, rgb.AsSpan(checked((int)((long)y * info.Width * 3)), rows * info.Width * 3));
        }
        return rgb;
    }

    // Enough for the format's magic bytes and a PNG's IHDR (bit depth at 24, interlace at 28).
    private const int StreamedHeaderBytes = 32;

    /// <summary>A destination for <see cref="DecodeRgb8"/> must hold exactly the image's RGB bytes.</summary>
    internal static void CheckDestination(byte[] into, ImageInfo info, string sourceName)
    {
        if (into.LongLength != 3 * info.PixelCount)
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the image is {info.Width} × {info.Height} px " +
                $"({3 * info.PixelCount} RGB bytes), but {into.LongLength} bytes were set aside for it: the file changed since its header was read.");
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
