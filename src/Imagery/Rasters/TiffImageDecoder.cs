using AutoRetrain.Core.Tiles;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AutoRetrain.Core.Labels;
using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// TIFF and GeoTIFF through LibTiff.NET: 8 or 16 bits, 1, 3 or 4 interleaved bands, strips or
/// tiles, any compression LibTiff decodes (none, deflate, LZW, JPEG, PackBits).
/// </summary>
internal static class TiffImageDecoder
{
    public static ImageInfo ReadInfo(ReadOnlyMemory<byte> bytes, string sourceName, ImageLimits limits)
    {
        using var session = TiffSession.Open(bytes, sourceName);
        return Describe(session.Tiff, sourceName, limits);
    }

    public static RasterImage Decode(ReadOnlyMemory<byte> bytes, string sourceName, ImageLimits limits)
    {
        using var session = TiffSession.Open(bytes, sourceName);
        var tif = session.Tiff;
        var info = Describe(tif, sourceName, limits);
        CheckDataInsideFile(tif, bytes.Length, sourceName);

        var samples = new ushort[info.PixelCount * info.Bands];
        int bytesPerSample = info.BitsPerSample / 8;
        int rowSamples = info.Width * info.Bands;
        if (tif.IsTiled()) ReadTiles(session, info, samples, bytesPerSample, sourceName);
        else ReadStrips(session, info, samples, bytesPerSample, rowSamples, sourceName);
        return new RasterImage(info, samples);
    }

    internal static ImageInfo Describe(Tiff tif, string sourceName, ImageLimits limits)
    {
        int width = Field(tif, TiffTag.IMAGEWIDTH, sourceName);
        int height = Field(tif, TiffTag.IMAGELENGTH, sourceName);
        ImageLimitChecks.CheckPixels(width, height, sourceName, limits);

        int bands = tif.GetFieldDefaulted(TiffTag.SAMPLESPERPIXEL)[0].ToInt();
        int bits = tif.GetFieldDefaulted(TiffTag.BITSPERSAMPLE)[0].ToInt();
        var planar = (PlanarConfig)tif.GetFieldDefaulted(TiffTag.PLANARCONFIG)[0].ToInt();
        var sampleFormat = (SampleFormat)tif.GetFieldDefaulted(TiffTag.SAMPLEFORMAT)[0].ToInt();
        var photometric = tif.GetField(TiffTag.PHOTOMETRIC) is { } p ? (Photometric)p[0].ToInt() : Photometric.MINISBLACK;

        if (bands is not (1 or 3 or 4))
            throw Unsupported(sourceName, $"{bands} bands per pixel (1, 3 or 4 are read)");
        if (bits is not (8 or 16))
            throw Unsupported(sourceName, $"{bits}-bit samples (8 or 16 are read)");
        if (sampleFormat != SampleFormat.UINT)
            throw Unsupported(sourceName, $"{sampleFormat} samples (unsigned integers are read)");
        if (bands > 1 && planar != PlanarConfig.CONTIG)
            throw Unsupported(sourceName, "band-separate (planar) storage (pixel-interleaved is read)");
        if (photometric == Photometric.PALETTE)
            throw Unsupported(sourceName, "a colour palette (grey or RGB samples are read)");

        return new ImageInfo(ImageFormat.Tiff, width, height, bands, bits, GeoTiffTags.Read(tif));
    }

    /// <summary>A file cut short still has its directory when it was written first; its strips then point past the end.</summary>
    internal static void CheckDataInsideFile(Tiff tif, long fileLength, string sourceName)
    {
        bool tiled = tif.IsTiled();
        var offsets = ToLongs(tif.GetField(tiled ? TiffTag.TILEOFFSETS : TiffTag.STRIPOFFSETS));
        var counts = ToLongs(tif.GetField(tiled ? TiffTag.TILEBYTECOUNTS : TiffTag.STRIPBYTECOUNTS));
        if (offsets is null || counts is null)
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, "the TIFF directory lists no strip or tile offsets.");
        for (int i = 0; i < Math.Min(offsets.Length, counts.Length); i++)
        {
            if (offsets[i] < 0 || counts[i] < 0 || offsets[i] + counts[i] > fileLength)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the TIFF is cut short: {(tiled ? "tile" : "strip")} {i} spans bytes {offsets[i]:N0}–{offsets[i] + counts[i]:N0} " +
                    $"but the file has {fileLength:N0} bytes.");
        }
    }

    private static void ReadStrips(TiffSession session, ImageInfo info, ushort[] samples, int bytesPerSample, int rowSamples, string sourceName)
    {
        var tif = session.Tiff;
        int rowsPerStrip = Math.Min(tif.GetFieldDefaulted(TiffTag.ROWSPERSTRIP)[0].ToInt(), info.Height);
        if (rowsPerStrip <= 0) rowsPerStrip = info.Height;
        var buffer = new byte[(long)rowsPerStrip * rowSamples * bytesPerSample];
        for (int strip = 0, row = 0; row < info.Height; strip++, row += rowsPerStrip)
        {
            int rows = Math.Min(rowsPerStrip, info.Height - row);
            int wanted = rows * rowSamples * bytesPerSample;
            if (tif.ReadEncodedStrip(strip, buffer, 0, wanted) < wanted)
                throw session.Corrupt($"strip {strip} cannot be decoded");
            CopySamples(buffer.AsSpan(0, wanted), bytesPerSample, samples.AsSpan((int)((long)row * rowSamples), rows * rowSamples));
        }
    }

    private static void ReadTiles(TiffSession session, ImageInfo info, ushort[] samples, int bytesPerSample, string sourceName)
    {
        var tif = session.Tiff;
        int tileWidth = Field(tif, TiffTag.TILEWIDTH, sourceName);
        int tileHeight = Field(tif, TiffTag.TILELENGTH, sourceName);
        if (tileWidth <= 0 || tileHeight <= 0 || (long)tileWidth * tileHeight > 16L * 1024 * 1024)
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF declares {tileWidth}×{tileHeight} tiles.");
        int tileRowSamples = tileWidth * info.Bands;
        var buffer = new byte[(long)tileRowSamples * tileHeight * bytesPerSample];
        var tileSamples = new ushort[tileRowSamples * tileHeight];
        for (int y = 0; y < info.Height; y += tileHeight)
            for (int x = 0; x < info.Width; x += tileWidth)
            {
                int tile = tif.ComputeTile(x, y, 0, 0);
                if (tif.ReadEncodedTile(tile, buffer, 0, buffer.Length) < 0)
                    throw session.Corrupt($"tile {tile} cannot be decoded");
                CopySamples(buffer, bytesPerSample, tileSamples);
                int rows = Math.Min(tileHeight, info.Height - y);
                int columns = Math.Min(tileWidth, info.Width - x) * info.Bands;
                for (int r = 0; r < rows; r++)
                    tileSamples.AsSpan(r * tileRowSamples, columns)
                        .CopyTo(samples.AsSpan((int)(((long)(y + r) * info.Width + x) * info.Bands), columns));
            }
    }

    /// <summary>LibTiff hands 16-bit samples over in the machine's byte order.</summary>
    internal static void CopySamples(ReadOnlySpan<byte> source, int bytesPerSample, Span<ushort> target)
    {
        if (bytesPerSample == 1)
            for (int i = 0; i < target.Length; i++) target[i] = source[i];
        else
            MemoryMarshal.Cast<byte, ushort>(source[..(target.Length * 2)]).CopyTo(target);
    }

    internal static int Field(Tiff tif, TiffTag tag, string sourceName) =>
        tif.GetField(tag) is { } value ? value[0].ToInt()
            : throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF directory lacks the required {tag} tag.");

    private static long[]? ToLongs(FieldValue[]? field) => field?[^1].Value switch
    {
        ulong[] u => Array.ConvertAll(u, v => v > long.MaxValue ? -1 : (long)v),
        long[] l => l,
        uint[] u => Array.ConvertAll(u, v => (long)v),
        int[] i => Array.ConvertAll(i, v => (long)v),
        _ => null,
    };

    private static ImageDecodeException Unsupported(string sourceName, string what) =>
        new(ProblemCode.UnsupportedFormat, sourceName, $"the TIFF uses {what}.");

    /// <summary>One open file: the LibTiff handle, its stream and the error log that explains failures.</summary>
    internal sealed class TiffSession : IDisposable
    {
        private readonly Stream _stream;
        private readonly TiffErrorLog _log;
        private readonly string _sourceName;
        public Tiff Tiff { get; }

        private TiffSession(Tiff tiff, Stream stream, TiffErrorLog log, string sourceName)
        {
            Tiff = tiff; _stream = stream; _log = log; _sourceName = sourceName;
        }

        public static TiffSession Open(ReadOnlyMemory<byte> bytes, string sourceName)
        {
            CheckFirstDirectoryInsideFile(bytes.Span, bytes.Length, sourceName);
            var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
            return Open(stream, sourceName);
        }

        /// <summary>Opens a TIFF from a seekable stream, which the session then owns; the header is checked first.</summary>
        public static TiffSession Open(Stream stream, string sourceName)
        {
            var header = new byte[16];
            stream.Position = 0;
            int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            try
            {
                CheckFirstDirectoryInsideFile(header.AsSpan(0, read), stream.Length, sourceName);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
            var log = new TiffErrorLog();
            Tiff? tiff;
            try
            {
                tiff = TiffSupport.Open(stream, sourceName, "r", log);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                stream.Dispose();
                throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF directory cannot be read ({ex.Message}).", ex);
            }
            if (tiff is null)
            {
                stream.Dispose();
                throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF directory cannot be read ({log.Summary()}).");
            }
            return new TiffSession(tiff, stream, log, sourceName);
        }

        public ImageDecodeException Corrupt(string what) =>
            new(ProblemCode.CorruptImage, _sourceName, $"the TIFF pixel data is damaged: {what} ({_log.Summary()}).");

        public void Dispose()
        {
            Tiff.Dispose();
            _stream.Dispose();
        }

        /// <summary>The header's pointer to the first directory must land inside the file, else the file was cut.</summary>
        private static void CheckFirstDirectoryInsideFile(ReadOnlySpan<byte> bytes, long fileLength, string sourceName)
        {
            if (bytes.Length < 4 || ImageMagic.Sniff(bytes) != ImageFormat.Tiff)
                throw new ImageDecodeException(ProblemCode.UnsupportedFormat, sourceName, "not a TIFF (the file does not start with a TIFF header).");
            bool littleEndian = bytes[0] == (byte)'I';
            bool bigTiff = (littleEndian ? bytes[2] : bytes[3]) == 0x2B;
            int headerLength = bigTiff ? 16 : 8;
            if (bytes.Length < headerLength)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName, $"the TIFF ends after {bytes.Length} bytes, inside its header.");
            ulong offset = bigTiff
                ? (littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]))
                : (littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]) : BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]));
            if (offset < (ulong)headerLength)
                throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF header points its first directory at byte {offset}, inside the header.");
            if (offset + 2 > (ulong)fileLength)
                throw new ImageDecodeException(ProblemCode.TruncatedImage, sourceName,
                    $"the TIFF is cut short: its directory starts at byte {offset:N0} but the file has {fileLength:N0} bytes.");
        }
    }
}
