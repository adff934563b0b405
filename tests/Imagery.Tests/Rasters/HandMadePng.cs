using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AutoRetrain.Imagery.Tests.Rasters;

/// <summary>Builds PNG files chunk by chunk, for layouts ImageWriter does not produce (16-bit grey).</summary>
internal static class HandMadePng
{
    public static byte[] Grey16(int width, int height, ushort[] values)
    {
        // Rows use the five PNG filters in turn, so a decoder's unfiltering is exercised on every kind.
        var raw = new MemoryStream();
        var previous = new byte[width * 2];
        for (int y = 0; y < height; y++)
        {
            var row = new byte[width * 2];
            for (int x = 0; x < width; x++)
            {
                row[2 * x] = (byte)(values[y * width + x] >> 8);
                row[2 * x + 1] = (byte)values[y * width + x];
            }
            int filter = y % 5;
            raw.WriteByte((byte)filter);
            for (int i = 0; i < row.Length; i++)
            {
                int left = i >= 2 ? row[i - 2] : 0, up = previous[i], upLeft = i >= 2 ? previous[i - 2] : 0;
                int predictor = filter switch { 0 => 0, 1 => left, 2 => up, 3 => (left + up) / 2, _ => Paeth(left, up, upLeft) };
                raw.WriteByte((byte)(row[i] - predictor));
            }
            previous = row;
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 16;   // bit depth
        header[9] = 0;    // colour type grey

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var number = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
