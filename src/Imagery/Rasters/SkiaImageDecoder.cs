using AutoRetrain.Core.Tiles;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AutoRetrain.Core.Labels;
using SkiaSharp;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>PNG and JPEG through SkiaSharp's codecs (libpng, libjpeg-turbo).</summary>
internal static class SkiaImageDecoder
{
    // Signature (8) + IHDR length and type (8) + width, height (8) + bit depth, colour type (2).
    private const int PngHeaderLength = 26;

    public static ImageInfo ReadInfo(ReadOnlySpan<byte> bytes, ImageFormat format, string sourceName, ImageLimits limits)
    {
        using var codec = OpenCodec(bytes, format, sourceName, limits);
        return Describe(codec, bytes, format, sourceName, limits);
    }

    public static RasterImage Decode(ReadOnlySpan<byte> bytes, ImageFormat format, string sourceName, ImageLimits limits)
    {
        using var codec = OpenCodec(bytes, format, sourceName, limits);
        var info = Describe(codec, bytes, format, sourceName, limits);
        return new RasterImage(info, info.BitsPerSample == 16 ? Png16Decoder.Decode(bytes, info, sourceName) : Decode8(codec, info, sourceName));
    }

    private static SKCodec OpenCodec(ReadOnlySpan<byte> bytes, ImageFormat format, string sourceName, ImageLimits limits)
    {
        CheckHeader(bytes, format, sourceName, limits);
        using var data = SKData.CreateCopy(bytes);
        return OpenCodec(new SKMemoryStream(data), format, sourceName);
    }

    /// <summary>Checks that need only the file's first bytes (a PNG's declared size decides a bomb before the codec sees it).</summary>
    private static void CheckHeader(ReadOnlySpan<byte> header, ImageFormat format, string sourceName, ImageLimits limits)
    {
        if (format != ImageFormat.Png) return;
        if (header.Length < PngHeaderLength)
            throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                $"the PNG file ends after {header.Length} bytes, before its header is complete.");
        if (!header.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, "the PNG signature is not followed by its IHDR header chunk.");
        ImageLimitChecks.CheckPixels(BinaryPrimitives.ReadUInt32BigEndian(header[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(header[20..]), sourceName, limits);
    }

    /// <summary>A codec over <paramref name="stream"/>, which it owns from here on (disposed with it, or now on failure).</summary>
    private static SKCodec OpenCodec(SKStream stream, ImageFormat format, string sourceName)
    {
        var codec = SKCodec.Create(stream, out var result);
        if (codec is not null) return codec;
        stream.Dispose();
        throw result == SKCodecResult.IncompleteInput
            ? new ImageDecodeException(ProblemCode.TruncatedImage, sourceName, $"the {format} file is cut short: its header is incomplete.")
            : new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the file starts like a {format} but its header cannot be read ({result}).");
    }

    private static ImageInfo Describe(SKCodec codec, ReadOnlySpan<byte> bytes, ImageFormat format, string sourceName, ImageLimits limits)
    {
        var size = codec.Info;
        ImageLimitChecks.CheckPixels(size.Width, size.Height, sourceName, limits);
        if (format == ImageFormat.Png && Png16Decoder.Handles(bytes))
            return new ImageInfo(format, size.Width, size.Height, Png16Decoder.BandsOf(bytes), 16);
        int bands = size.ColorType == SKColorType.Gray8 ? 1 : size.AlphaType == SKAlphaType.Opaque ? 3 : 4;
        // Skia's PNG codec reduces 16-bit samples to 8 bits for every integer target, so an interlaced
        // 16-bit PNG (which Png16Decoder leaves to Skia) is read as 8-bit.
        return new ImageInfo(format, size.Width, size.Height, bands, 8);
    }

    /// <summary>
    /// 8-bit RGB straight from the codec, as <see cref="RasterImage.ToRgb8"/> of <see cref="Decode"/> gives it for 8-bit
    /// images (grey repeated, alpha dropped) without the 16-bit sample array. The codec decodes into native memory (a
    /// band of about 1 MB of rows for JPEG; the whole image for PNG, whose codec in this Skia build has no row-by-row
    /// decoding) and rows are converted one at a time into the one RGB array, so a 4,096-px scene costs its 50 MB of RGB
    /// on the managed heap and nothing else of its size. (A whole-image RGBA array, 67 MB, rented from the shared array
    /// pool or allocated per decode, was large-object garbage every epoch before.) Null for a 16-bit PNG (the caller
    /// decodes and stretches it).
    /// </summary>
    public static byte[]? DecodeRgb8(ReadOnlySpan<byte> bytes, ImageFormat format, string sourceName, ImageLimits limits, out ImageInfo info,
        byte[]? into = null)
    {
        using var codec = OpenCodec(bytes, format, sourceName, limits);
        return DecodeRgb8(codec, bytes, format, sourceName, limits, out info, into);
    }

    /// <summary>
    /// <see cref="DecodeRgb8(ReadOnlySpan{byte}, ImageFormat, string, ImageLimits, out ImageInfo, byte[])"/> reading the
    /// compressed data from <paramref name="file"/> as the codec asks for it, so a decode allocates nothing of the file's
    /// size (a 4,096-px PNG is tens of MB compressed: read whole, every decode of an epoch left that much on the
    /// large-object heap, and Skia took a native copy besides). <paramref name="header"/> is the file's first bytes (at
    /// least the PNG header, when there is one). The stream is left open; null for a 16-bit PNG.
    /// </summary>
    public static byte[]? DecodeRgb8(Stream file, ReadOnlySpan<byte> header, ImageFormat format, string sourceName, ImageLimits limits,
        out ImageInfo info, byte[]? into = null)
    {
        CheckHeader(header, format, sourceName, limits);
        file.Position = 0;
        using var codec = OpenCodec(new SKManagedStream(file, disposeManagedStream: false), format, sourceName);
        return DecodeRgb8(codec, header, format, sourceName, limits, out info, into);
    }

    private static byte[]? DecodeRgb8(SKCodec codec, ReadOnlySpan<byte> header, ImageFormat format, string sourceName, ImageLimits limits,
        out ImageInfo info, byte[]? into)
    {
        info = Describe(codec, header, format, sourceName, limits);
        if (info.BitsPerSample != 8) return null;
        var target = Target8(codec, info);
        if (into is not null) ImageReader.CheckDestination(into, info, sourceName);
        var rgb = into ?? new byte[checked(info.PixelCount * 3)];
        int stride = info.Bands == 1 ? 1 : 4, rowBytes = target.RowBytes;
        // Row by row where the codec can (JPEG); else (PNG: this Skia build's PNG codec has no scanline decoding, and
        // interlaced files) the whole image at once. Either way the decoded rows stay native, and come over one at a
        // time into a row-sized array (16 kB for 4,096 px of RGBA, under the large-object threshold up to 21,000 px),
        // so a decode leaves nothing of the image's size on the managed heap.
        bool scanlines = codec.ScanlineOrder == SKCodecScanlineOrder.TopDown && codec.StartScanlineDecode(target) == SKCodecResult.Success;
        int rowsPerBand = scanlines ? Math.Clamp((1 << 20) / Math.Max(1, rowBytes), 1, info.Height) : info.Height;
        var row = new byte[rowBytes];
        IntPtr native = Marshal.AllocHGlobal((IntPtr)((long)rowsPerBand * rowBytes));
        try
        {
            if (!scanlines)
                CheckResult(codec.GetPixels(target, native, rowBytes, new SKCodecOptions()), info.Format, sourceName);
            for (int y = 0; y < info.Height; y += rowsPerBand)
            {
                int rows = Math.Min(rowsPerBand, info.Height - y);
                if (scanlines && codec.GetScanlines(native, rows, rowBytes) != rows)
                    throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                        $"the {info.Format} file is cut short: its pixel data ends before row {y + rows} of {info.Height}.");
                for (int r = 0; r < rows; r++)
                {
                    Marshal.Copy(native + r * rowBytes, row, 0, rowBytes);
                    ToRgb(row.AsSpan(0, info.Width * stride), stride, rgb.AsSpan(checked((int)((long)(y + r) * info.Width * 3)), info.Width * 3));
                }
            }
        }
        finally
        {
            Marshal.FreeHGlobal(native);
        }
        return rgb;
    }

    /// <summary>Grey (stride 1) or RGBA (stride 4) pixels to RGB.</summary>
    private static void ToRgb(ReadOnlySpan<byte> pixels, int stride, Span<byte> rgb)
    {
        for (int p = 0, o = 0; o < rgb.Length; p += stride, o += 3)
        {
            rgb[o] = pixels[p];
            rgb[o + 1] = pixels[stride == 1 ? p : p + 1];
            rgb[o + 2] = pixels[stride == 1 ? p : p + 2];
        }
    }

    private static ushort[] Decode8(SKCodec codec, ImageInfo info, string sourceName)
    {
        var target = Target8(codec, info);
        var pixels = new byte[(long)target.BytesSize64];
        CheckResult(codec.GetPixels(target, pixels), info.Format, sourceName);

        int stride = info.Bands == 1 ? 1 : 4;
        var samples = new ushort[info.PixelCount * info.Bands];
        for (long p = 0, s = 0; p < info.PixelCount; p++)
            for (int b = 0; b < info.Bands; b++)
                samples[s++] = pixels[p * stride + b];
        return samples;
    }

    /// <summary>What an 8-bit image decodes into: grey for one band, else RGBA (unpremultiplied when it has alpha).</summary>
    private static SKImageInfo Target8(SKCodec codec, ImageInfo info) =>
        codec.Info.WithColorType(info.Bands == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888)
            .WithAlphaType(info.Bands == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);

    private static void CheckResult(SKCodecResult result, ImageFormat format, string sourceName)
    {
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the {format} file is cut short: its pixel data ends before the last row.");
            default:
                throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName,
                    $"the {format} pixel data cannot be decoded ({result}).");
        }
    }
}
