using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Synthetic;

namespace AutoRetrain.Synthetic.Tests;

public class SyntheticGeneratorTests
{
    private static SyntheticGenerator Generator(int seed = 11, double exponent = ClassMix.DefaultExponent) =>
        new(new GeneratorOptions { Seed = seed, LongTailExponent = exponent });

    [Fact]
    public void Generate_SameSeedAndIndex_GivesIdenticalBytesAndLabels()
    {
        var first = Generator(5).Generate(17);
        var second = Generator(5).Generate(17);

        Assert.Equal(ImageWriter.EncodePng(256, 256, first.Rgb8), ImageWriter.EncodePng(256, 256, second.Rgb8));
        Assert.Equal(Json.Serialize(first.Labels), Json.Serialize(second.Labels));
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentImages()
    {
        var a = Generator(5).Generate(0);
        var b = Generator(6).Generate(0);

        Assert.NotEqual(a.Rgb8, b.Rgb8);
    }

    [Fact]
    public void Generate_NeighbouringSeedAndIndex_GiveDifferentImages()
    {
        Assert.NotEqual(Generator(12).Generate(1).Rgb8, Generator(13).Generate(0).Rgb8);
    }

    [Fact]
    public void Generate_DifferentIndex_GivesDifferentImages()
    {
        var generator = Generator(5);

        Assert.NotEqual(generator.Generate(0).Rgb8, generator.Generate(1).Rgb8);
    }

    [Fact]
    public void Generate_ManyTiles_HeadClassIsAtLeastFiftyTimesTheRarest()
    {
        var generator = Generator(21);
        var counts = SyntheticClasses.All.ToDictionary(c => c.Name, _ => 0);
        for (int i = 0; i < 400; i++)
            foreach (var o in generator.Generate(i).Labels.Objects) counts[o.Class]++;

        int head = counts[SyntheticClasses.All[0].Name];
        int rarest = counts[SyntheticClasses.All[^1].Name];
        Assert.True(rarest > 0, $"the rarest class never appeared: {string.Join(", ", counts)}");
        Assert.True(head >= 50 * rarest, $"head {head} vs rarest {rarest}: {string.Join(", ", counts)}");
        Assert.All(counts, kv => Assert.True(kv.Value > 0, $"{kv.Key} never appeared"));
    }

    [Fact]
    public void Generate_Labels_AreValidTightAndInsideTheImage()
    {
        var generator = Generator(3, exponent: 0.5);
        var validator = new LabelValidator(SyntheticClasses.All.Select(c => c.Name).ToHashSet());
        int objects = 0;
        for (int i = 0; i < 60; i++)
        {
            var tile = generator.Generate(i);
            Assert.Empty(validator.Validate(tile.Labels, tile.Width, tile.Height));
            foreach (var o in tile.Labels.Objects)
            {
                var box = o.Bounds;
                Assert.InRange(box.XMin, 0, tile.Width);
                Assert.InRange(box.XMax, 0, tile.Width);
                Assert.InRange(box.YMin, 0, tile.Height);
                Assert.InRange(box.YMax, 0, tile.Height);
                if (o.Difficult != true)
                    Assert.True(Math.Max(box.Width, box.Height) >= 5 && Math.Min(box.Width, box.Height) >= 3, $"{o.Class} box {box} is too small");
                objects++;
            }
        }
        Assert.True(objects > 100, $"only {objects} objects in 60 tiles");
    }

    [Fact]
    public void Generate_ClassSizes_FollowTheirTypicalRelativeSizes()
    {
        var generator = Generator(8, exponent: 0);
        var sizes = new Dictionary<string, List<double>>();
        for (int i = 0; i < 80; i++)
            foreach (var o in generator.Generate(i).Labels.Objects.Where(o => o.Difficult != true))
                (sizes.TryGetValue(o.Class, out var list) ? list : sizes[o.Class] = []).Add(Math.Max(o.Bounds.Width, o.Bounds.Height));

        double Median(string cls) => sizes[cls].Order().ElementAt(sizes[cls].Count / 2);
        Assert.InRange(Median(SyntheticClasses.SmallVehicle), 6, 14);
        Assert.InRange(Median(SyntheticClasses.Plane), 25, 50);
        Assert.True(Median(SyntheticClasses.SmallVehicle) < Median(SyntheticClasses.LargeVehicle));
        Assert.True(Median(SyntheticClasses.LargeVehicle) < Median(SyntheticClasses.Plane));
        Assert.True(Median(SyntheticClasses.Helicopter) < Median(SyntheticClasses.Plane));
    }

    [Fact]
    public void Generate_ClassWithZeroWeight_NeverAppears()
    {
        var generator = Generator(4, exponent: 0.5);
        var conditions = new TileConditions(ClassMix.PowerLaw(0.5).Without(SyntheticClasses.Plane), Season.Summer);

        for (int i = 0; i < 40; i++)
            Assert.DoesNotContain(generator.Generate(i, conditions).Labels.Objects, o => o.Class == SyntheticClasses.Plane);
    }

    [Fact]
    public void GeoReferenceOf_NeighbouringTiles_AreOneTileApart()
    {
        var generator = Generator();
        var (x0, y0) = generator.GeoReferenceOf(0).PixelToModel(256, 0);
        var (x1, y1) = generator.GeoReferenceOf(1).PixelToModel(0, 0);

        Assert.Equal((x0, y0), (x1, y1));
        Assert.Equal(SyntheticGenerator.Epsg, generator.GeoReferenceOf(5).Epsg);
    }
}
