using AutoRetrain.Core.Tiles;
using System.Buffers.Binary;
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
        if (format == ImageFormat.Png)
        {
            if (bytes.Length < PngHeaderLength)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the PNG file ends after {bytes.Length} bytes, before its header is complete.");
            if (!bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
                throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, "the PNG signature is not followed by its IHDR header chunk.");
            // Checked before the codec sees the file: the declared size alone decides a bomb.
            ImageLimitChecks.CheckPixels(BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]), sourceName, limits);
        }

        using var data = SKData.CreateCopy(bytes);
        var stream = new SKMemoryStream(data);
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

    private static ushort[] Decode8(SKCodec codec, ImageInfo info, string sourceName)
    {
        var colorType = info.Bands == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888;
        var target = codec.Info.WithColorType(colorType).WithAlphaType(info.Bands == 4 ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var pixels = new byte[(long)target.BytesSize64];
        CheckResult(codec.GetPixels(target, pixels), info.Format, sourceName);

        int stride = info.Bands == 1 ? 1 : 4;
        var samples = new ushort[info.PixelCount * info.Bands];
        for (long p = 0, s = 0; p < info.PixelCount; p++)
            for (int b = 0; b < info.Bands; b++)
                samples[s++] = pixels[p * stride + b];
        return samples;
    }

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
