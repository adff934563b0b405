using System.Buffers;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Tiles;
using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>A scene read by windows of 8-bit RGB, for scenes too large to decode whole.</summary>
public interface IRgbWindowSource
{
    int Width { get; }
    int Height { get; }

    /// <summary>Writes the window's interleaved RGB bytes, rows top to bottom, into the first width × height × 3 bytes of
    /// <paramref name="destination"/>; the window lies inside the scene.</summary>
    void ReadRgb8(int x, int y, int width, int height, Span<byte> destination);
}

/// <summary>
/// A (Geo)TIFF read by windows from its file, for scenes larger than <see cref="ImageLimits.Default"/> lets the readers
/// decode whole (a 40,000-px satellite scene is 4.8 GB of RGB, more than one .NET array holds). Only the strips or tiles
/// a window touches are decoded, through a small cache of decoded blocks, so memory is bounded by the window and the
/// cache, not by the scene. The 8-bit RGB it gives is the same as <see cref="RasterImage.ToRgb8"/> of the whole scene:
/// 16-bit bands are stretched by the percentiles of the whole scene, accumulated block by block in one pass first.
/// <para>Strips wider than <see cref="MaxBlockBytes"/> when decoded are refused (a tiled TIFF reads any window
/// cheaply: <c>gdal_translate -co TILED=YES</c> writes one). Methods are serialised: LibTiff's handle is not thread-safe.</para>
/// </summary>
public sealed class TiffWindowReader : IRgbWindowSource, IDisposable
{
    /// <summary>Largest scene read by windows: 2.5 gigapixels (a 50,000 × 50,000 scene); the file size is not bounded.</summary>
    public static readonly ImageLimits Limits = new(MaxPixels: 2_500_000_000, MaxBytes: long.MaxValue);

    /// <summary>Largest decoded strip or tile accepted.</summary>
    public const long MaxBlockBytes = 256L * 1024 * 1024;

    private const long CacheBytes = 128L * 1024 * 1024;

    private readonly TiffImageDecoder.TiffSession session;
    private readonly bool tiled;
    private readonly int blockWidth, blockHeight, blocksAcross;
    private readonly object gate = new();
    private readonly Dictionary<int, ushort[]> cache = [];
    private readonly Queue<int> cacheOrder = new();
    private long cachedBytes;
    private byte[][]? lookups;

    public ImageInfo Info { get; }
    public int Width => Info.Width;
    public int Height => Info.Height;

    /// <summary>Strips or tiles decoded so far (each decoded again only after leaving the cache).</summary>
    public int BlocksDecoded { get; private set; }

    private readonly long cacheBytes;

    /// <summary>Rows of one strip or tile: windows whose rows are aligned to it decode each block once.</summary>
    internal int BlockHeight => blockHeight;

    private TiffWindowReader(TiffImageDecoder.TiffSession session, ImageInfo info, string sourceName, long maxBlockBytes, long cacheBytes)
    {
        this.session = session;
        this.cacheBytes = cacheBytes;
        Info = info;
        var tif = session.Tiff;
        tiled = tif.IsTiled();
        if (tiled)
        {
            blockWidth = TiffImageDecoder.Field(tif, TiffTag.TILEWIDTH, sourceName);
            blockHeight = TiffImageDecoder.Field(tif, TiffTag.TILELENGTH, sourceName);
        }
        else
        {
            blockWidth = info.Width;
            int rowsPerStrip = tif.GetFieldDefaulted(TiffTag.ROWSPERSTRIP)[0].ToInt();
            blockHeight = rowsPerStrip <= 0 ? info.Height : Math.Min(rowsPerStrip, info.Height);
        }
        if (blockWidth <= 0 || blockHeight <= 0)
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName, $"the TIFF declares {blockWidth}×{blockHeight}-px {BlockName}s.");
        long blockBytes = (long)blockWidth * blockHeight * info.Bands * (info.BitsPerSample / 8);
        if (blockBytes > maxBlockBytes)
            throw new ImageDecodeException(ProblemCode.ImageTooLarge, sourceName,
                $"its {BlockName}s are {blockWidth}×{blockHeight} px ({blockBytes:N0} bytes decoded), more than the {maxBlockBytes:N0} bytes " +
                "read at once; write the scene as a tiled GeoTIFF (for example gdal_translate -co TILED=YES).");
        blocksAcross = (info.Width + blockWidth - 1) / blockWidth;
    }

    /// <summary>Opens the TIFF at <paramref name="path"/> (the file stays open until disposed); checks its header and
    /// directory against <paramref name="limits"/> (<see cref="Limits"/> by default) and that its blocks lie inside the file.</summary>
    public static TiffWindowReader Open(string path, string? sourceName = null, ImageLimits? limits = null) =>
        Open(path, sourceName, limits, MaxBlockBytes);

    /// <summary><see cref="Open(string, string?, ImageLimits?)"/> with a bound on the strips or tiles accepted and on the
    /// decoded blocks kept (0: only the last one, for a reader that visits each block once).</summary>
    internal static TiffWindowReader Open(string path, string? sourceName, ImageLimits? limits, long maxBlockBytes, long cacheBytes = CacheBytes) =>
        Open(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16), sourceName ?? path, limits,
            maxBlockBytes, cacheBytes);

    /// <summary>The same over a file already open (read from its start), which the reader owns from here on.</summary>
    internal static TiffWindowReader Open(FileStream stream, string sourceName, ImageLimits? limits, long maxBlockBytes, long cacheBytes)
    {
        // The reader owns the file from the call on: whatever refuses it closes it (the session, once open, with its stream).
        TiffImageDecoder.TiffSession? session = null;
        try
        {
            stream.Position = 0;
            if (stream.Length == 0) throw new ImageDecodeException(ProblemCode.EmptyFile, sourceName, "the file is empty (0 bytes).");
            ImageLimitChecks.CheckFileSize(stream.Length, sourceName, limits ?? Limits);
            session = TiffImageDecoder.TiffSession.Open(stream, sourceName);
            var info = TiffImageDecoder.Describe(session.Tiff, sourceName, limits ?? Limits);
            TiffImageDecoder.CheckDataInsideFile(session.Tiff, stream.Length, sourceName);
            return new TiffWindowReader(session, info, sourceName, maxBlockBytes, cacheBytes);
        }
        catch
        {
            if (session is null) stream.Dispose();
            else session.Dispose();
            throw;
        }
    }

    /// <summary>A window reader when <paramref name="path"/> is a TIFF that <paramref name="wholeDecode"/> would refuse
    /// (more pixels or bytes), null for any other file (a smaller TIFF, another format, a file too short to say).</summary>
    public static TiffWindowReader? OpenWhenBeyond(ImageLimits wholeDecode, string path, string? sourceName = null)
    {
        var header = new byte[8];
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        }
        if (ImageMagic.Sniff(header) != ImageFormat.Tiff) return null;
        var reader = Open(path, sourceName);
        if (reader.Info.PixelCount > wholeDecode.MaxPixels || length > wholeDecode.MaxBytes) return reader;
        reader.Dispose();
        return null;
    }

    private string BlockName => tiled ? "tile" : "strip";

    /// <summary>The window's samples, interleaved (band fastest), as <see cref="RasterImage.Samples"/> holds them.</summary>
    public ushort[] ReadSamples(int x, int y, int width, int height)
    {
        var samples = new ushort[checked((long)width * height * Info.Bands)];
        ReadSamples(x, y, width, height, samples);
        return samples;
    }

    /// <summary>The window's samples into the first width × height × bands elements of <paramref name="samples"/>.</summary>
    public void ReadSamples(int x, int y, int width, int height, Span<ushort> samples)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || (long)x + width > Width || (long)y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"window {width}×{height} at ({x}, {y}) is not inside the {Width}×{Height} scene.");
        int bands = Info.Bands;
        if (samples.Length < (long)width * height * bands)
            throw new ArgumentException($"a {width}×{height} window needs {(long)width * height * bands} samples, the buffer holds {samples.Length}.", nameof(samples));
        lock (gate)
        {
            for (int by = y / blockHeight; by <= (y + height - 1) / blockHeight; by++)
                for (int bx = x / blockWidth; bx <= (x + width - 1) / blockWidth; bx++)
                {
                    var block = Block(by * blocksAcross + bx, bx * blockWidth, by * blockHeight);
                    int left = Math.Max(x, bx * blockWidth), right = Math.Min(x + width, Math.Min(Width, (bx + 1) * blockWidth));
                    int top = Math.Max(y, by * blockHeight), bottom = Math.Min(y + height, Math.Min(Height, (by + 1) * blockHeight));
                    int columns = (right - left) * bands;
                    for (int row = top; row < bottom; row++)
                        block.AsSpan(((row - by * blockHeight) * blockWidth + (left - bx * blockWidth)) * bands, columns)
                            .CopyTo(samples.Slice(checked((int)(((long)(row - y) * width + (left - x)) * bands)), columns));
                }
        }
    }

    /// <summary>The window as interleaved 8-bit RGB in a new array.</summary>
    public byte[] ReadRgb8(int x, int y, int width, int height)
    {
        var rgb = new byte[checked(width * height * 3)];
        ReadRgb8(x, y, width, height, rgb);
        return rgb;
    }

    public void ReadRgb8(int x, int y, int width, int height, Span<byte> destination)
    {
        int count = checked(width * height * Info.Bands);
        if (destination.Length < (long)width * height * 3)
            throw new ArgumentException($"a {width}×{height} window needs {(long)width * height * 3} bytes, the buffer holds {destination.Length}.", nameof(destination));
        // Pooled: a band of a wide scene is tens of megabytes, which the GC would otherwise collect only now and then.
        var samples = ArrayPool<ushort>.Shared.Rent(count);
        try
        {
            ReadSamples(x, y, width, height, samples);
            RasterImage.MapToRgb8(samples.AsSpan(0, count), Info.Bands, Lookups(), destination[..(width * height * 3)]);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(samples);
        }
    }

    /// <summary>One lookup per kept band: identity for 8-bit, the whole scene's percentile stretch for 16-bit (one pass
    /// over every block, the first time it is needed).</summary>
    private byte[][] Lookups()
    {
        lock (gate)
        {
            if (lookups is not null) return lookups;
            int kept = Math.Min(Info.Bands, 3);
            if (Info.BitsPerSample == 8) return lookups = Enumerable.Repeat(PercentileStretch.Identity8, kept).ToArray();
            var histograms = Enumerable.Range(0, kept).Select(_ => new long[65536]).ToArray();
            int bands = Info.Bands;
            for (int by = 0; by * blockHeight < Height; by++)
                for (int bx = 0; bx < blocksAcross; bx++)
                {
                    var block = Decode(by * blocksAcross + bx, bx * blockWidth, by * blockHeight);
                    int columns = Math.Min(blockWidth, Width - bx * blockWidth), rows = Math.Min(blockHeight, Height - by * blockHeight);
                    for (int r = 0; r < rows; r++)
                    {
                        int start = r * blockWidth * bands;
                        for (int c = 0, s = start; c < columns; c++, s += bands)
                            for (int band = 0; band < kept; band++)
                                histograms[band][block[s + band]]++;
                    }
                    ArrayPool<ushort>.Shared.Return(block);
                }
            long count = (long)Width * Height;
            return lookups = histograms.Select(h => PercentileStretch.FromHistogram(h, count)).ToArray();
        }
    }

    private ushort[] Block(int index, int originX, int originY)
    {
        if (cache.TryGetValue(index, out var hit)) return hit;
        var block = Decode(index, originX, originY);
        while (cachedBytes + block.LongLength * 2 > cacheBytes && cacheOrder.TryDequeue(out int oldest))
        {
            cachedBytes -= cache[oldest].LongLength * 2;
            ArrayPool<ushort>.Shared.Return(cache[oldest]);
            cache.Remove(oldest);
        }
        cache[index] = block;
        cacheOrder.Enqueue(index);
        cachedBytes += block.LongLength * 2;
        return block;
    }

    /// <summary>Decodes one strip or tile into pooled samples laid out <c>blockWidth</c> pixels a row (a strip's last rows
    /// may be absent; the array may be longer than the block).</summary>
    private ushort[] Decode(int index, int originX, int originY)
    {
        var tif = session.Tiff;
        int bytesPerSample = Info.BitsPerSample / 8;
        int rows = tiled ? blockHeight : Math.Min(blockHeight, Height - originY);
        int count = blockWidth * rows * Info.Bands, wanted = count * bytesPerSample;
        var buffer = ArrayPool<byte>.Shared.Rent(wanted);
        try
        {
            int read = tiled ? tif.ReadEncodedTile(index, buffer, 0, wanted) : tif.ReadEncodedStrip(index, buffer, 0, wanted);
            if (read < wanted)
                throw session.Corrupt($"{BlockName} {index} at ({originX}, {originY}) cannot be decoded");
            var samples = ArrayPool<ushort>.Shared.Rent(count);
            TiffImageDecoder.CopySamples(buffer.AsSpan(0, wanted), bytesPerSample, samples.AsSpan(0, count));
            BlocksDecoded++;
            return samples;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var block in cache.Values) ArrayPool<ushort>.Shared.Return(block);
            cache.Clear();
            cacheOrder.Clear();
            cachedBytes = 0;
        }
        session.Dispose();
    }
}
