using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Imagery.Tests.Rasters;

/// <summary>
/// Windows read from a TIFF file hold what decoding the whole scene holds, for strips and tiles, 8 and 16 bits, 1, 3 and
/// 4 bands; the 8-bit RGB of a window is the same crop of the whole scene's (16-bit stretched by the whole scene's
/// percentiles); damaged and oversized files are refused with the file's name.
/// </summary>
public sealed class TiffWindowReaderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tiff-window-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(RasterImage image, bool tiled, string name = "scene.tif")
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, ImageWriter.EncodeGeoTiff(image, tiled: tiled));
        return path;
    }

    [Theory]
    [InlineData(false, 3, 8)]
    [InlineData(true, 3, 8)]
    [InlineData(false, 4, 16)]
    [InlineData(true, 4, 16)]
    [InlineData(true, 1, 16)]
    [InlineData(false, 1, 8)]
    public void ReadWindows_AnywhereInTheScene_EqualTheWholeDecode(bool tiled, int bands, int bits)
    {
        // 600 × 530: tiles of 256 px leave partial tiles on the right and at the bottom; strips are a few rows each.
        var image = TestRasters.Pattern(600, 530, bands, bits);
        string path = Write(image, tiled);
        var whole = ImageReader.Decode(File.ReadAllBytes(path), "scene.tif");
        byte[] wholeRgb = whole.ToRgb8();

        using var reader = TiffWindowReader.Open(path);
        Assert.Equal(whole.Info, reader.Info);
        foreach (var (x, y, w, h) in new[] { (0, 0, 600, 530), (0, 0, 1, 1), (599, 529, 1, 1), (250, 250, 20, 20), (10, 300, 590, 230), (255, 0, 2, 530) })
        {
            var samples = reader.ReadSamples(x, y, w, h);
            var rgb = reader.ReadRgb8(x, y, w, h);
            for (int row = 0; row < h; row++)
            {
                Assert.Equal(whole.Samples.AsSpan(((y + row) * 600 + x) * bands, w * bands).ToArray(), samples.AsSpan(row * w * bands, w * bands).ToArray());
                Assert.Equal(wholeRgb.AsSpan(((y + row) * 600 + x) * 3, w * 3).ToArray(), rgb.AsSpan(row * w * 3, w * 3).ToArray());
            }
        }
    }

    [Fact]
    public void ReadWindows_ManyOverlappingBands_DecodeEachTileAboutOnce()
    {
        string path = Write(TestRasters.Pattern(1024, 1024, 3, 8), tiled: true);
        using var reader = TiffWindowReader.Open(path);

        for (int y = 0; y + 300 <= 1024; y += 200) reader.ReadRgb8(0, y, 1024, 300);

        Assert.Equal(16, reader.BlocksDecoded);   // 4 × 4 tiles of 256 px, each kept while the bands pass over it
    }

    [Fact]
    public void ReadWindow_OutsideTheScene_IsRefused()
    {
        using var reader = TiffWindowReader.Open(Write(TestRasters.Pattern(50, 40, 3, 8), tiled: false));

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadSamples(40, 0, 11, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadSamples(-1, 0, 5, 5));
    }

    [Fact]
    public void Open_TruncatedFile_NamesTheFileAndTheMissingBlock()
    {
        string path = Write(TestRasters.Pattern(300, 300, 3, 8), tiled: true);
        // LibTiff writes the pixel data first and the directory last: keep the header and the directory, drop data in the middle.
        var bytes = File.ReadAllBytes(path);
        string cut = Path.Combine(folder, "cut.tif");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 3)]);

        var error = Assert.Throws<ImageDecodeException>(() => TiffWindowReader.Open(cut, "incoming/cut.tif"));

        Assert.Contains("incoming/cut.tif", error.Message);
        Assert.Contains(error.Code, new[] { ProblemCode.TruncatedImage, ProblemCode.CorruptImage });
    }

    [Fact]
    public void Open_NotATiff_IsRefusedAsUnsupported()
    {
        string path = Path.Combine(folder, "scene.png");
        File.WriteAllBytes(path, ImageWriter.EncodePng(10, 10, TestRasters.Rgb8Pattern(10, 10)));

        var error = Assert.Throws<ImageDecodeException>(() => TiffWindowReader.Open(path));

        Assert.Equal(ProblemCode.UnsupportedFormat, error.Code);
        Assert.Contains("scene.png", error.Message);
    }

    [Fact]
    public void Open_MorePixelsThanTheLimits_IsRefusedBeforeReadingPixels()
    {
        string path = Write(TestRasters.Pattern(200, 100, 3, 8), tiled: true);

        var error = Assert.Throws<ImageDecodeException>(() => TiffWindowReader.Open(path, "big.tif", new ImageLimits(MaxPixels: 10_000)));

        Assert.Equal(ProblemCode.ImageTooLarge, error.Code);
        Assert.Contains("big.tif", error.Message);
    }

    [Fact]
    public void Open_FileLargerThanTheLimits_IsRefusedAndClosed()
    {
        string path = Write(TestRasters.Pattern(200, 100, 3, 8), tiled: true);

        var error = Assert.Throws<ImageDecodeException>(() => TiffWindowReader.Open(path, "heavy.tif", new ImageLimits(MaxBytes: 1_000)));

        Assert.Equal(ProblemCode.ImageTooLarge, error.Code);
        Assert.Contains("heavy.tif", error.Message);
        // A file left open holds a shared lock, and an exclusive open fails until the collector finalises the stream.
        using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.True(exclusive.Length > 1_000);
    }

    [Fact]
    public void Open_StripsLargerThanOneRead_AreRefusedWithTheAdviceToTile()
    {
        string path = Write(TestRasters.Pattern(400, 300, 3, 8), tiled: false);

        // The encoder writes strips of about 64 KiB (54 rows of 1,200 bytes here); a 1-KiB bound refuses them.
        var error = Assert.Throws<ImageDecodeException>(() => TiffWindowReader.Open(path, "wide.tif", null, maxBlockBytes: 1024));

        Assert.Equal(ProblemCode.ImageTooLarge, error.Code);
        Assert.Contains("tiled GeoTIFF", error.Message);
    }

    [Fact]
    public void ReadWindow_DamagedTileData_NamesTheFileAndTheTile()
    {
        string path = Write(TestRasters.Pattern(512, 512, 3, 8), tiled: true);
        var bytes = File.ReadAllBytes(path);
        // Deflate data overwritten with garbage past the header: the directory (at the end) still reads.
        for (int i = 16; i < bytes.Length / 2; i++) bytes[i] = 0xA5;
        File.WriteAllBytes(path, bytes);
        using var reader = TiffWindowReader.Open(path, "damaged.tif");

        var error = Assert.Throws<ImageDecodeException>(() => reader.ReadRgb8(0, 0, 512, 512));

        Assert.Equal(ProblemCode.CorruptImage, error.Code);
        Assert.Contains("damaged.tif", error.Message);
        Assert.Contains("tile", error.Message);
    }
}
