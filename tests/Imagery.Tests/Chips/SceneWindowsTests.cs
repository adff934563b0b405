using AutoRetrain.Core.Labels;
using AutoRetrain.Imagery.Chips;

namespace AutoRetrain.Imagery.Tests.Chips;

public class SceneWindowsTests
{
    /// <summary>Small objects spread over a 2,048-px scene, far apart (one per 256-px cell at most).</summary>
    private static List<BoundingBox> SparseObjects(int count, int seed)
    {
        var rng = new Random(seed);
        var cells = Enumerable.Range(0, 64).ToArray();
        rng.Shuffle(cells);
        return cells.Take(count).Select(c =>
        {
            double x = c % 8 * 256 + 40 + rng.Next(150), y = c / 8 * 256 + 40 + rng.Next(150);
            return new BoundingBox(x, y, x + 20, y + 12);
        }).ToList();
    }

    private static bool TouchesAny(BoundingBox window, IEnumerable<BoundingBox> objects) =>
        objects.Any(o => window.Intersect(o) is { Width: > 0, Height: > 0 });

    [Theory]
    [InlineData(256, 256, 1)]
    [InlineData(300, 200, 1)]
    [InlineData(512, 512, 4)]
    [InlineData(600, 600, 5)]
    [InlineData(2560, 2560, 100)]
    [InlineData(10000, 256, 39)]
    public void CountFor_SceneSizes_IsAreaOverRegionSquared(int width, int height, int expected) =>
        Assert.Equal(expected, SceneWindows.CountFor(width, height, 256));

    [Fact]
    public void Sample_SparseScene_HoldsEveryObjectInOneEpoch()
    {
        var objects = SparseObjects(30, seed: 1);
        var windows = SceneWindows.Sample(2048, 2048, 256, objects, backgroundFraction: 0.25, new Random(5));

        Assert.Equal(64, windows.Count);
        foreach (var o in objects)
            Assert.Contains(windows, w => SceneWindows.Holds(w, o));
        Assert.All(windows, w => Assert.True(w.XMin >= 0 && w.YMin >= 0 && w.XMax <= 2048 && w.YMax <= 2048, $"window {w} leaves the scene"));
    }

    [Fact]
    public void Sample_EmptyScene_CoversTheScene()
    {
        var windows = SceneWindows.Sample(2048, 1024, 256, [], backgroundFraction: 0.25, new Random(9));

        Assert.Equal(32, windows.Count);
        var covered = new bool[1024, 2048];
        foreach (var w in windows)
            for (int y = (int)w.YMin; y < (int)w.YMax; y++)
                for (int x = (int)w.XMin; x < (int)w.XMax; x++)
                    covered[y, x] = true;
        double fraction = covered.Cast<bool>().Count(c => c) / (2048.0 * 1024);
        Assert.True(fraction >= 0.9, $"one epoch's windows covered {fraction:P1} of an empty scene");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Sample_BackgroundFraction_IsRespected(double fraction)
    {
        var objects = SparseObjects(12, seed: 2);
        var windows = SceneWindows.Sample(2048, 2048, 256, objects, fraction, new Random(3));

        int background = windows.Count(w => !TouchesAny(w, objects));
        int expectedBackground = 64 - (fraction >= 1 ? 0 : (int)Math.Round(64 * (1 - fraction), MidpointRounding.AwayFromZero));
        Assert.Equal(expectedBackground, background);
        Assert.All(windows.Where(w => TouchesAny(w, objects)), w => Assert.Contains(objects, o => SceneWindows.Holds(w, o)));
    }

    [Fact]
    public void Sample_SameSeed_SameWindows()
    {
        var objects = SparseObjects(10, seed: 4);
        Assert.Equal(SceneWindows.Sample(1500, 1700, 256, objects, 0.3, new Random(11)),
                     SceneWindows.Sample(1500, 1700, 256, objects, 0.3, new Random(11)));
        Assert.NotEqual(SceneWindows.Sample(1500, 1700, 256, objects, 0.3, new Random(11)),
                        SceneWindows.Sample(1500, 1700, 256, objects, 0.3, new Random(12)));
    }

    [Fact]
    public void Sample_DenseScene_StillGivesTheCountAndEveryObjectWindowHoldsAnObject()
    {
        // A 600-px tile packed with aircraft: fewer empty cells than background windows wanted.
        var objects = new List<BoundingBox>();
        for (int y = 10; y < 590; y += 60)
            for (int x = 10; x < 590; x += 60) objects.Add(new BoundingBox(x, y, x + 40, y + 40));
        var windows = SceneWindows.Sample(600, 600, 256, objects, 0.5, new Random(1));

        Assert.Equal(5, windows.Count);
        Assert.Contains(windows, w => objects.Any(o => SceneWindows.Holds(w, o)));
    }

    [Fact]
    public void Sample_WeightedObjects_GiveTheFewObjectWindowsOfADenseSceneToTheHeavyObject()
    {
        // 300 common objects and one rare one in a 2,048-px scene; 16 object windows (a quarter of 64) cannot hold
        // them all. Weighted 100, the rare object comes first in nearly every pass; unweighted, it is one of 301.
        var rng = new Random(3);
        var objects = Enumerable.Range(0, 300).Select(_ =>
        {
            double x = rng.Next(2000), y = rng.Next(2000);
            return new BoundingBox(x, y, x + 16, y + 16);
        }).Append(new BoundingBox(1000, 1000, 1030, 1020)).ToList();
        var rare = objects[^1];
        var weights = objects.Select(o => o == rare ? 100.0 : 1.0).ToList();
        int HeldIn(IReadOnlyList<double>? w) => Enumerable.Range(0, 40)
            .Count(seed => SceneWindows.Sample(2048, 2048, 256, objects, 0.75, new Random(seed), w).Any(win => SceneWindows.Holds(win, rare)));

        int weighted = HeldIn(weights), uniform = HeldIn(null);

        Assert.True(weighted >= 38, $"the rare object was held in {weighted} of 40 epochs with weight 100");
        Assert.True(uniform <= 25, $"the rare object was held in {uniform} of 40 epochs unweighted");
        Assert.Equal(64, SceneWindows.Sample(2048, 2048, 256, objects, 0.75, new Random(1), weights).Count);
    }

    [Fact]
    public void Sample_WeightsNotOnePerObject_AreRefused()
    {
        var objects = SparseObjects(3, seed: 2);
        var ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => SceneWindows.Sample(2048, 2048, 256, objects, 0.25, new Random(1), [1.0, 2.0]));
        Assert.Contains("one positive number per object (3), got 2 of which 0 not positive", ex.Message);
        ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => SceneWindows.Sample(2048, 2048, 256, objects, 0.25, new Random(1), [1.0, 0, double.NaN]));
        Assert.Contains("got 3 of which 2 not positive", ex.Message);
    }
}
