using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Synthetic.Tests;

/// <summary>Large generated scenes (issue 13): sizes, pixel sizes of the objects, classes, sidecar labels.</summary>
public class LargeSceneTests
{
    [Fact]
    public void Generate_4096PixelScene_HasRealisticObjectsOfSixOrMoreClasses()
    {
        var scene = new SyntheticGenerator(new GeneratorOptions { Seed = 3, TileSize = 4096, NamePrefix = "scene" }).Generate(0);

        Assert.Equal((4096, 4096, 3L * 4096 * 4096), (scene.Width, scene.Height, scene.Rgb8.LongLength));
        Assert.Equal((4096, 4096), (scene.Labels.Width, scene.Labels.Height));
        var objects = scene.Labels.Objects;
        Assert.True(objects.Count >= 1000, $"{objects.Count} objects in 16 MP (a 256-px tile holds about 12)");
        var classes = objects.GroupBy(o => o.Class).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(classes.Count >= 6, $"classes: {string.Join(", ", classes.Keys)}");
        Assert.All(objects, o => Assert.True(o.Bounds.XMin >= 0 && o.Bounds.YMin >= 0 && o.Bounds.XMax <= 4096 && o.Bounds.YMax <= 4096, $"{o.Bounds}"));
        // Objects are spread over the scene, not in its first block.
        Assert.True(objects.Max(o => o.Bounds.XMin) > 3840 && objects.Max(o => o.Bounds.YMin) > 3840);
        var sides = objects.Select(o => Math.Sqrt(o.Bounds.Area)).Order().ToArray();
        double p05 = sides[sides.Length / 20], p95 = sides[sides.Length * 19 / 20];
        Assert.True(p05 >= 4 && p05 <= 10 && p95 >= 20 && p95 <= 45, $"object sides (√area) 5th–95th percentile {p05:F1}–{p95:F1} px");
    }

    [Fact]
    public void Generate_SceneNotAMultipleOfTheBlock_CropsBoxesToTheScene()
    {
        var scene = new SyntheticGenerator(new GeneratorOptions { Seed = 4, TileSize = 1000 }).Generate(2);

        Assert.Equal(3L * 1000 * 1000, scene.Rgb8.LongLength);
        Assert.NotEmpty(scene.Labels.Objects);
        Assert.All(scene.Labels.Objects, o => Assert.True(o.Bounds.XMax <= 1000 && o.Bounds.YMax <= 1000 && o.Bounds.Width >= 3 && o.Bounds.Height >= 3, $"{o.Bounds}"));
        Assert.Contains(scene.Labels.Objects, o => o.Bounds.XMin > 768);
    }

    [Fact]
    public void Generate_LargeScene_SameSeedSameBytesOtherIndexOtherScene()
    {
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 5, TileSize = 1024 });

        var (a, b) = (generator.Generate(1), generator.Generate(1));
        Assert.Equal(a.Rgb8, b.Rgb8);
        Assert.Equal(Json.Serialize(a.Labels), Json.Serialize(b.Labels));
        Assert.NotEqual(a.Rgb8, generator.Generate(2).Rgb8);
    }

    [Fact]
    public void WriteTiles_LargeScene_WritesTheImageAndItsSidecar()
    {
        string folder = Path.Combine(Path.GetTempPath(), "large-scene-" + Guid.NewGuid().ToString("N"));
        try
        {
            var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 6, TileSize = 2048, NamePrefix = "scene" });
            var counts = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png).WriteTiles(folder, 0, 1);

            string image = Path.Combine(folder, "scene-000000.png");
            var info = ImageReader.ReadInfo(File.ReadAllBytes(image), image);
            Assert.Equal((2048, 2048), (info.Width, info.Height));
            var labels = LabelReader.ReadFile(Path.Combine(folder, LabelFile.SidecarNameFor("scene-000000.png")));
            Assert.Equal(("scene-000000.png", 2048, 2048), (labels.Image, labels.Width, labels.Height));
            Assert.Equal(generator.Generate(0).Labels.Objects.Count, labels.Objects.Count);
            Assert.Equal(labels.Objects.Count, counts.Values.Sum());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
