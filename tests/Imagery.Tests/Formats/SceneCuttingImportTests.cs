using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Chips;
using AutoRetrain.Imagery.Formats;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Imagery.Tests.Rasters;

namespace AutoRetrain.Imagery.Tests.Formats;

/// <summary>
/// A TIFF too large to decode whole is cut at import into overlapping blocks that cover it, each an 8-bit RGB GeoTIFF
/// holding the whole scene's stretched pixels (what <c>predict</c> reads from the scene), with its georeference moved to
/// the block and the labels clipped to it. The limits and block size are scaled down so the test scene stays small.
/// </summary>
public class SceneCuttingImportTests : IDisposable
{
    private readonly ImportFixture _f = new();
    private static readonly SceneCutting Small = new() { BlockSize = 256, Overlap = 64, WholeDecode = new ImageLimits(MaxPixels: 100_000) };

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Run_SixteenBitSceneBeyondTheWholeDecodeLimit_CutIntoCoveringBlocksWithTheScenesPixelsGeoAndClippedLabels()
    {
        // 600 × 430, 16-bit, 4 bands (120 MB-equivalent at real scale): blocks of 256 overlapping by 64 → 3 × 2 of them.
        var geo = new GeoReference([500_000, 0.5, 0, 4_200_000, 0, -0.5], 32631);
        var scene = TestRasters.Pattern(600, 430, 4, 16, geo);
        string path = Path.Combine(_f.Source, "images", "P9.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageWriter.EncodeGeoTiff(scene, geo, tiled: false));
        // One object inside the first block only, one across the first column boundary (whole in the overlap),
        // one cut by the scene's right-hand blocks.
        _f.Text("labelTxt/P9.txt", """
            10 10 40 10 40 30 10 30 plane 0
            200 100 230 100 230 120 200 120 ship 0
            330 300 420 300 420 330 330 330 small-vehicle 0
            """);

        var report = LabelImporter.Run(ImportFormat.Dota, _f.Source, _f.Into, cutting: Small);

        Assert.Empty(report.Problems);
        Assert.Equal((1, 1, 6), (report.ImagesCopied, report.ScenesCut, report.BlocksWritten));
        Assert.Equal(3, report.Objects);   // the scene's objects, counted once
        Assert.False(_f.Imported("P9.tif"));
        var wholeRgb = ImageReader.Decode(File.ReadAllBytes(path), "P9.tif", new ImageLimits()).ToRgb8();
        var grid = ChipGrid.For(600, 430, 256, 64);
        var covered = new bool[600 * 430];
        foreach (var chip in grid)
        {
            string name = $"P9.r{chip.Row:D3}c{chip.Column:D3}.tif";
            var block = ImageReader.Decode(File.ReadAllBytes(Path.Combine(_f.Into, name)), name);
            Assert.Equal((chip.Width, chip.Height, 3, 8), (block.Width, block.Height, block.Bands, block.BitsPerSample));
            var rgb = block.ToRgb8();
            for (int row = 0; row < chip.Height; row++)
            {
                Assert.Equal(wholeRgb.AsSpan(((chip.Y + row) * 600 + chip.X) * 3, chip.Width * 3).ToArray(), rgb.AsSpan(row * chip.Width * 3, chip.Width * 3).ToArray());
                for (int x = 0; x < chip.Width; x++) covered[(chip.Y + row) * 600 + chip.X + x] = true;
            }
            var (east, north) = geo.PixelToModel(chip.X, chip.Y);
            Assert.Equal([east, 0.5, 0, north, 0, -0.5], block.Info.Geo!.Transform);
            Assert.Equal(32631, block.Info.Geo.Epsg);
            var labels = _f.Sidecar(name);
            Assert.Equal((chip.Width, chip.Height), (labels.Width!.Value, labels.Height!.Value));
            Assert.Equal(ChipLabels.Clip(Sidecarless(), chip, 0.5).Select(Describe), labels.Objects.Select(Describe));
            Assert.Empty(new LabelValidator().Validate(labels, chip.Width, chip.Height));
        }
        Assert.All(covered, Assert.True);
        // The ship (x 200–230) lies whole in the overlap of the first two block columns (192–256): in both blocks, whole.
        Assert.Equal([200, 100, 230, 120], _f.Sidecar("P9.r000c000.tif").Objects.Single(o => o.Class == "ship").Box);
        Assert.Equal([8, 100, 38, 120], _f.Sidecar("P9.r000c001.tif").Objects.Single(o => o.Class == "ship").Box);
    }

    [Fact]
    public void Run_TiffWithinTheLimits_CopiedAsItIs()
    {
        string path = Path.Combine(_f.Source, "images", "P1.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageWriter.EncodeGeoTiff(TestRasters.Pattern(300, 200, 3, 8), tiled: true));
        _f.Text("labelTxt/P1.txt", "10 10 40 10 40 30 10 30 plane 0\n");

        var report = LabelImporter.Run(ImportFormat.Dota, _f.Source, _f.Into, cutting: Small with { WholeDecode = new ImageLimits(MaxPixels: 60_000) });

        Assert.Equal((1, 0, 0), (report.ImagesCopied, report.ScenesCut, report.BlocksWritten));
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(_f.Into, "P1.tif")));
    }

    [Fact]
    public void Run_DamagedSceneBeyondTheLimit_ReportedNamingTheFileAndTheImportGoesOn()
    {
        string path = Path.Combine(_f.Source, "images", "P2.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(600, 430, 3, 8), tiled: true);
        for (int i = 16; i < bytes.Length / 2; i++) bytes[i] = 0xA5;
        File.WriteAllBytes(path, bytes);
        _f.Png("images/P3.png", 50, 40);
        _f.Text("labelTxt/P2.txt", "10 10 40 10 40 30 10 30 plane 0\n");
        _f.Text("labelTxt/P3.txt", "10 10 40 10 40 30 10 30 plane 0\n");

        var report = LabelImporter.Run(ImportFormat.Dota, _f.Source, _f.Into, cutting: Small);

        var problem = Assert.Single(report.Problems);
        Assert.Contains("P2.tif", problem.Message);
        Assert.True(_f.Imported("P3.png"));
        Assert.Equal(1, report.ImagesCopied);
    }

    private static string Describe(LabelObject o) => $"{o.Class} {string.Join(',', o.Box)}";

    private static IReadOnlyList<LabelObject> Sidecarless() =>
    [
        LabelObject.Of("plane", new BoundingBox(10, 10, 40, 30)),
        LabelObject.Of("ship", new BoundingBox(200, 100, 230, 120)),
        LabelObject.Of("small-vehicle", new BoundingBox(330, 300, 420, 330)),
    ];
}
