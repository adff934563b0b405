using AutoRetrain.Core.Tiles;
using System.Buffers.Binary;
using System.IO.Compression;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// 16-bit PNG samples, decoded here because Skia's codec reduces them to 8 bits for every integer
/// target. Non-interlaced files only (interlaced ones go through Skia at 8 bits); grey, RGB, grey +
/// alpha (widened to RGBA) and RGBA.
/// </summary>
internal static class Png16Decoder
{
    private const int SignatureLength = 8;

    /// <summary>True when the IHDR declares 16-bit samples without interlacing.</summary>
    public static bool Handles(ReadOnlySpan<byte> bytes) => bytes.Length > 28 && bytes[24] == 16 && bytes[28] == 0;

    /// <summary>Bands as AutoRetrain reports them for the IHDR colour type.</summary>
    public static int BandsOf(ReadOnlySpan<byte> bytes) => bytes[25] switch
    {
        0 => 1,
        2 => 3,
        _ => 4,
    };

    public static ushort[] Decode(ReadOnlySpan<byte> bytes, ImageInfo info, string sourceName)
    {
        int colourType = bytes[25];
        int channels = colourType switch
        {
            0 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the PNG declares colour type {colourType} with 16-bit samples."),
        };
        int bytesPerPixel = channels * 2;
        long rowBytes = (long)info.Width * bytesPerPixel;
        var raw = Inflate(CompressedData(bytes, sourceName), info.Height * (rowBytes + 1), sourceName);

        var samples = new ushort[info.PixelCount * info.Bands];
        var previous = new byte[rowBytes];
        var current = new byte[rowBytes];
        for (int y = 0; y < info.Height; y++)
        {
            long start = y * (rowBytes + 1);
            Unfilter(raw[(int)start], raw.AsSpan((int)start + 1, (int)rowBytes), current, previous, bytesPerPixel, sourceName);
            for (int x = 0; x < info.Width; x++)
            {
                long target = ((long)y * info.Width + x) * info.Bands;
                int source = x * bytesPerPixel;
                ushort Sample(int channel) => BinaryPrimitives.ReadUInt16BigEndian(current.AsSpan(source + channel * 2, 2));
                if (colourType == 4)
                {
                    ushort grey = Sample(0);
                    samples[target] = grey; samples[target + 1] = grey; samples[target + 2] = grey; samples[target + 3] = Sample(1);
                }
                else
                {
                    for (int c = 0; c < channels; c++) samples[target + c] = Sample(c);
                }
            }
            (previous, current) = (current, previous);
        }
        return samples;
    }

    private static byte[] CompressedData(ReadOnlySpan<byte> bytes, string sourceName)
    {
        var data = new MemoryStream();
        int at = SignatureLength;
        while (true)
        {
            if (at + 8 > bytes.Length)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName, "the PNG file is cut short: it ends before its IEND chunk.");
            long length = BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]);
            var type = bytes.Slice(at + 4, 4);
            if (at + 12 + length > bytes.Length)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the PNG file is cut short: a {System.Text.Encoding.ASCII.GetString(type)} chunk runs past its end.");
            if (type.SequenceEqual("IDAT"u8)) data.Write(bytes.Slice(at + 8, (int)length));
            if (type.SequenceEqual("IEND"u8)) return data.ToArray();
            at += 12 + (int)length;
        }
    }

    private static byte[] Inflate(byte[] compressed, long expected, string sourceName)
    {
        var raw = new byte[expected];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            int read = zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            if (read < raw.Length)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the PNG pixel data ends after {read:N0} of {raw.Length:N0} bytes.");
        }
        catch (InvalidDataException ex)
        {
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the PNG pixel data cannot be inflated ({ex.Message}).", ex);
        }
        return raw;
    }

    /// <summary>Reverses the PNG row filter (None, Sub, Up, Average, Paeth) into <paramref name="row"/>.</summary>
    private static void Unfilter(byte filter, ReadOnlySpan<byte> filtered, Span<byte> row, ReadOnlySpan<byte> above, int bpp, string sourceName)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0, up = above[i], upLeft = i >= bpp ? above[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the PNG uses unknown row filter {filter}."),
            };
            row[i] = (byte)(filtered[i] + predictor);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
