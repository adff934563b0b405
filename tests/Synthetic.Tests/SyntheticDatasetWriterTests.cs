using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Synthetic;

namespace AutoRetrain.Synthetic.Tests;

public sealed class SyntheticDatasetWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "autoretrain-synthetic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void WriteTile_GeoTiff_IsReadableWithItsGeoreferenceAndPixels()
    {
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 2 });
        var tile = generator.Generate(1234);

        string path = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Tiff).WriteTile(tile, Directory.CreateDirectory(_folder).FullName);

        var image = ImageReader.Decode(File.ReadAllBytes(path), path);
        Assert.Equal(new ImageInfo(ImageFormat.Tiff, 256, 256, 3, 8, image.Info.Geo), image.Info);
        Assert.Equal(generator.GeoReferenceOf(1234).Transform, image.Info.Geo!.Transform);
        Assert.Equal(SyntheticGenerator.Epsg, image.Info.Geo.Epsg);
        Assert.Equal(tile.Rgb8, image.ToRgb8());
    }

    [Fact]
    public void WriteTiles_Png_WritesImagesWithMatchingSidecars()
    {
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 9 });

        var counts = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png).WriteTiles(_folder, 0, 5);

        var images = Directory.GetFiles(_folder, "*.png").Order().ToArray();
        Assert.Equal(5, images.Length);
        int objects = 0;
        foreach (var image in images)
        {
            string sidecar = Path.Combine(_folder, LabelFile.SidecarNameFor(Path.GetFileName(image)));
            var labels = Json.Deserialize<LabelFile>(File.ReadAllText(sidecar), sidecar);
            var info = ImageReader.ReadInfo(File.ReadAllBytes(image), image);
            Assert.Equal(Path.GetFileName(image), labels.Image);
            Assert.Empty(new LabelValidator().Validate(labels, info.Width, info.Height));
            objects += labels.Objects.Count;
        }
        Assert.Equal(objects, counts.Values.Sum());
    }

    [Fact]
    public void WriteTiles_TwiceInParallel_WritesIdenticalFiles()
    {
        var writer = new SyntheticDatasetWriter(new SyntheticGenerator(new GeneratorOptions { Seed = 77 }), SyntheticImageFormat.Png);
        string first = Path.Combine(_folder, "first"), second = Path.Combine(_folder, "second");

        writer.WriteTiles(first, 0, 8);
        writer.WriteTiles(second, 0, 8);

        var names = Directory.GetFiles(first).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(16, names.Length);
        Assert.Equal(names, Directory.GetFiles(second).Select(Path.GetFileName).Order());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name!)), File.ReadAllBytes(Path.Combine(second, name!)));
    }

    [Fact]
    public void WriteStream_NewClass_AppearsOnlyFromItsBatch()
    {
        var options = new GeneratorOptions { Seed = 31, LongTailExponent = 0.5 };
        var plan = StreamPlan.Create(options, new StreamOptions
        {
            Batches = 3, TilesPerBatch = 30, NewClass = SyntheticClasses.Plane, NewClassBatch = 2,
            RisingClass = SyntheticClasses.Ship, RisingClassBatch = 1, SeasonChangeBatch = 1,
        });

        var manifest = new SyntheticDatasetWriter(new SyntheticGenerator(options), SyntheticImageFormat.Png).WriteStream(_folder, plan);

        var planesPerBatch = plan.Batches.Select(b => Directory.GetFiles(Path.Combine(_folder, b.Folder), "*" + LabelFile.Suffix)
            .Sum(f => Json.Deserialize<LabelFile>(File.ReadAllText(f), f).Objects.Count(o => o.Class == SyntheticClasses.Plane))).ToArray();
        Assert.Equal(0, planesPerBatch[0]);
        Assert.Equal(0, planesPerBatch[1]);
        Assert.True(planesPerBatch[2] > 0);
        Assert.Equal(planesPerBatch, manifest.Batches.Select(b => b.LabelledObjects[SyntheticClasses.Plane]));

        Assert.True(File.Exists(Path.Combine(_folder, StreamManifest.FileName)));
        Assert.Equal([Season.Summer, Season.Winter, Season.Winter], manifest.Batches.Select(b => b.Season));
        Assert.Contains(manifest.Batches[2].Events, e => e.Kind == DriftEvent.NewClass && e.Class == SyntheticClasses.Plane);
        Assert.True(manifest.Batches[1].ClassShares[SyntheticClasses.Ship] > manifest.Batches[0].ClassShares[SyntheticClasses.Ship]);
    }

    [Fact]
    public void StreamPlan_DefaultEvents_HappenInsideTheStream()
    {
        var plan = StreamPlan.Create(new GeneratorOptions(), new StreamOptions { Batches = 6, TilesPerBatch = 10 });

        Assert.Equal(3, plan.Events.Count);
        Assert.All(plan.Events, e => Assert.InRange(e.Batch, 1, 5));
        Assert.Equal(0, plan.Batches[0].Conditions.Mix.WeightOf(SyntheticClasses.Helicopter));
        Assert.True(plan.Batches[^1].Conditions.Mix.WeightOf(SyntheticClasses.Helicopter) > 0);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i * 10), plan.Batches.Select(b => b.FirstTileIndex));
    }
}
