using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.Tests;

/// <summary>Scenes larger than the chip: windows per epoch, small tiles as before, the decoded-scene memory bound.</summary>
public class SceneSamplingTests
{
    [Fact]
    public void Batches_Recycled_ReuseTheArraysAndEqualFreshBatches()
    {
        var tiles = ShapeTiles.Make(2, 256, ["boat", "car"], seed: 4, objectsPerTile: 6);
        var classIndex = new Dictionary<string, int> { ["boat"] = 0, ["car"] = 1 };
        var loader = new BatchLoader(tiles, classIndex, 64, 4, Normalisation.Default, new AugmentationOptions());
        // 2 scenes of 16 windows: 8 full batches of 4, then a partial one of 2 (fresh arrays of its own size).
        var samples = EpochSamples.Expand([0, 1], tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: int.MaxValue, seed: 5)
            .Concat([new TrainingSample(0, null), new TrainingSample(1, null)]).ToArray();
        static float[][] Copy(ChipBatch b) => [b.Images.ToArray(), b.Heatmap.ToArray(), b.Size.ToArray(), b.Offset.ToArray(), b.Mask.ToArray()];

        var fresh = loader.Batches(samples, seed: 9).Select(Copy).ToList();
        var recycledArrays = new List<float[]>();
        var recycled = loader.Batches(samples, seed: 9, recycle: true).Select(b => { recycledArrays.Add(b.Images); return Copy(b); }).ToList();

        Assert.Equal(9, fresh.Count);
        Assert.Equal(fresh, recycled);
        Assert.Equal(2, recycledArrays.Distinct().Count()); // one set for the full batches, one for the partial batch
        Assert.Contains(fresh, b => b[2].Any(v => v > 0)); // objects drawn: the targets are compared, not only zeros
    }

    [Fact]
    public void Step_OnRecycledBatches_TrainsAsOnFreshOnes()
    {
        // The step's tensors are the batch's own arrays on the CPU (from_array): overwriting them for the next batch must
        // not change what a step computed, so training through recycled batches follows the same losses as fresh ones.
        var tiles = ShapeTiles.Make(2, 256, ["boat", "car"], seed: 4, objectsPerTile: 6);
        var classIndex = new Dictionary<string, int> { ["boat"] = 0, ["car"] = 1 };
        var loader = new BatchLoader(tiles, classIndex, 64, 4, Normalisation.Default, new AugmentationOptions());
        var samples = EpochSamples.Expand([0, 1], tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: int.MaxValue, seed: 5);
        float[] Losses(bool recycle)
        {
            Trainer.Seed(3);
            using var model = new AutoRetrain.Detector.Model.CenterNet(AutoRetrain.Detector.Model.DetectorArchitecture.Nano, 2);
            using var optimizer = new HeldAdamW(model.parameters(), 1e-3, 0.01);
            model.train();
            return loader.Batches(samples, seed: 9, recycle).Select(b => Trainer.Step(model, optimizer, b, TorchSharp.torch.CPU)).ToArray();
        }

        var fresh = Losses(recycle: false);

        Assert.Equal(8, fresh.Length);
        Assert.Equal(fresh, Losses(recycle: true));
        Assert.All(fresh, loss => Assert.True(float.IsFinite(loss) && loss > 0));
    }

    [Fact]
    public void Expand_TilesThatFitOneChip_KeepTheDrawOrderAsWholeTiles()
    {
        var tiles = ShapeTiles.Make(5, 64, ["car"], seed: 1);
        int[] order = [3, 1, 4, 0, 2, 1];

        var samples = EpochSamples.Expand(order, tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: int.MaxValue, seed: 7);

        Assert.Equal(order.Select(t => new TrainingSample(t, null)), samples);
    }

    [Fact]
    public void Expand_ScenesOfDifferentSizes_WindowsPerEpochFollowTheirArea()
    {
        var tiles = new[] { 64, 128, 256, 512 }.Select((size, i) => ShapeTiles.Make(1, size, ["car"], seed: i, objectsPerTile: 4)[0]).ToList();

        var samples = EpochSamples.Expand([0, 1, 2, 3], tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: int.MaxValue, seed: 3);

        var perTile = samples.GroupBy(s => s.Tile).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 4, [2] = 16, [3] = 64 }, perTile);
        Assert.Null(samples.Single(s => s.Tile == 0).Window);
        Assert.All(samples.Where(s => s.Tile > 0), s => Assert.NotNull(s.Window));
        Assert.Equal(85, EpochSamples.ExpectedCount(tiles, null, 64));
        Assert.Equal(2 * 1 + 0.5 * 4 + 16 + 64, EpochSamples.ExpectedCount(tiles, [2, 0.5, 1, 1], 64));
    }

    [Fact]
    public void Expand_TileDrawnTwice_YieldsItsWindowsTwiceAndWindowsShareTheDraw()
    {
        var tiles = ShapeTiles.Make(2, 256, ["car"], seed: 2, objectsPerTile: 4);

        var samples = EpochSamples.Expand([0, 1, 0], tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: int.MaxValue, seed: 3);

        Assert.Equal(32, samples.Count(s => s.Tile == 0));
        Assert.Equal(16, samples.Count(s => s.Tile == 1));
    }

    [Fact]
    public void Expand_Pools_KeepEachPoolsScenesTogether()
    {
        var tiles = ShapeTiles.Make(6, 256, ["car"], seed: 3, objectsPerTile: 4);

        var samples = EpochSamples.Expand([5, 4, 3, 2, 1, 0], tiles, region: 64, backgroundFraction: 0.25, scenesPerPool: 2, seed: 3);

        // Windows of the first two draws come first, shuffled among themselves; and so on.
        Assert.Equal([4, 5], samples.Take(32).Select(s => s.Tile).Distinct().Order());
        Assert.Equal([2, 3], samples.Skip(32).Take(32).Select(s => s.Tile).Distinct().Order());
        Assert.NotEqual(samples.Take(16).Select(s => s.Tile), Enumerable.Repeat(5, 16));
    }

    [Fact]
    public void Expand_SameSeed_SameSamples()
    {
        var tiles = ShapeTiles.Make(3, 200, ["car", "boat"], seed: 4, objectsPerTile: 5);
        int[] order = [2, 0, 1];

        Assert.Equal(EpochSamples.Expand(order, tiles, 64, 0.25, int.MaxValue, seed: 9), EpochSamples.Expand(order, tiles, 64, 0.25, int.MaxValue, seed: 9));
        Assert.NotEqual(EpochSamples.Expand(order, tiles, 64, 0.25, int.MaxValue, seed: 9), EpochSamples.Expand(order, tiles, 64, 0.25, int.MaxValue, seed: 10));
    }

    private static byte[] Read(DecodedSceneCache cache, string key, long length, Action<byte[]>? decodeInto = null)
    {
        using var lease = cache.Rent(key, length, decodeInto ?? (_ => { }));
        return lease.Pixels;
    }

    [Fact]
    public void Cache_ThousandScenes_ResidentBytesStayWithinTheBudgetAndEvictedArraysAreReused()
    {
        const int sceneBytes = 1 << 20;
        var cache = new DecodedSceneCache(capacityBytes: 8L << 20);
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (int s = 0; s < 1000; s++)
        {
            var pixels = Read(cache, $"scene-{s}", sceneBytes, into => into.AsSpan().Fill((byte)s));
            Assert.Equal(sceneBytes, pixels.Length);
            Assert.Equal((byte)s, pixels[^1]);
            arrays.Add(pixels);
            Assert.True(cache.ResidentBytes <= cache.CapacityBytes, $"{cache.ResidentBytes} bytes held after scene {s}");
        }
        Assert.Equal(8L << 20, cache.PeakResidentBytes);
        Assert.Equal(1000, cache.Decodes);
        // The budget's 8 scenes and one spare: every other decode wrote into an evicted scene's array.
        Assert.Equal(9, arrays.Count);
        Assert.Equal(1000 - 9, cache.ArraysReused);

        Read(cache, "scene-999", sceneBytes, _ => throw new InvalidOperationException("a recent scene is decoded again"));
        Read(cache, "scene-0", sceneBytes);
        Assert.Equal(1001, cache.Decodes);
    }

    [Fact]
    public void Cache_EvictedSceneStillLeased_KeepsItsPixelsUntilTheLeaseEnds()
    {
        var cache = new DecodedSceneCache(capacityBytes: 200);
        var first = cache.Rent("first", 100, into => into.AsSpan().Fill(1));

        // Two more scenes evict "first" while it is leased: its array must not be decoded into.
        Read(cache, "second", 100, into => into.AsSpan().Fill(2));
        Read(cache, "third", 100, into => into.AsSpan().Fill(3));
        Assert.All(first.Pixels, b => Assert.Equal(1, b));
        Assert.Equal(0, cache.ArraysReused);

        first.Dispose();
        first.Dispose(); // a second dispose gives nothing back twice
        var fourth = Read(cache, "fourth", 100, into => into.AsSpan().Fill(4));
        Assert.Same(first.Pixels, fourth); // released, then decoded into
        Assert.Equal(1, cache.ArraysReused);
        Assert.Equal(200, cache.PeakResidentBytes);
    }

    [Fact]
    public void Cache_SceneLargerThanTheBudget_IsLentAndNotKept()
    {
        var cache = new DecodedSceneCache(capacityBytes: 1000);
        Assert.Equal(5000, Read(cache, "huge", 5000).Length);
        Assert.Equal(0, cache.ResidentBytes);
        Read(cache, "huge", 5000);
        Assert.Equal((2, 0), (cache.Decodes, cache.ArraysReused));
    }

    [Fact]
    public void Cache_SameSceneFromManyThreads_IsDecodedOnce()
    {
        var cache = new DecodedSceneCache(capacityBytes: 1 << 20);
        int decodes = 0;
        Parallel.For(0, 32, _ => Read(cache, "scene", 100, _ =>
        {
            Interlocked.Increment(ref decodes);
            Thread.Sleep(20);
        }));
        Assert.Equal(1, decodes);
    }

    [Fact]
    public void ReadFolder_DecodedScenesAboveTheBudget_DecodesOnDemandWithinIt()
    {
        using var folder = new TempFolder();
        var scenes = ShapeTiles.Make(8, 256, ["boat", "car"], seed: 5, objectsPerTile: 6);
        ShapeTiles.WriteFolder(scenes.Take(6), folder.Sub("train"));
        ShapeTiles.WriteFolder(scenes.Skip(6), folder.Sub("val"));
        long sceneBytes = 256 * 256 * 3, budget = 3 * sceneBytes;

        var held = DatasetReader.ReadFolder(folder.Path);
        var onDemand = DatasetReader.ReadFolder(folder.Path, decodedBytesBudget: budget);

        Assert.All(held.Train, t => Assert.Null(t.PixelCache));
        var cache = onDemand.Train[0].PixelCache;
        Assert.NotNull(cache);
        Assert.Equal(held.Train.Select(t => t.Rgb), onDemand.Train.Select(t => t.Rgb));
        Assert.Equal(held.Validation.Select(t => t.Rgb), onDemand.Validation.Select(t => t.Rgb));

        var result = TrainerTests.Train(onDemand, folder.Sub("model"), TrainerTests.Quick(2) with { Augmentation = new AugmentationOptions() });
        Assert.Equal(2, result.Epochs);
        Assert.True(cache.PeakResidentBytes <= budget, $"the cache held {cache.PeakResidentBytes} bytes, budget {budget}");
        // Each epoch reads each training scene in one pool and each validation scene once; then the statistics pass.
        int reads = 8 /* equality checks above */ + 2 * (6 + 2) + 6;
        Assert.True(cache.Decodes <= reads, $"{cache.Decodes} decodes for at most {reads} scene reads");
    }

    [Fact]
    public void ClassWindowWeights_AreTheMostCommonClassCountOverTheClassCountToTheExponent()
    {
        var tiles = ShapeTiles.Make(6, 256, ["boat", "car", "tank"], seed: 2, objectsPerTile: 7);
        var counts = tiles.SelectMany(t => t.Objects).GroupBy(o => o.Class).ToDictionary(g => g.Key, g => g.Count());
        int most = counts.Values.Max();

        var weights = EpochSamples.ClassWindowWeights(tiles, 0.5)!;

        Assert.Equal(counts.Keys.Order(), weights.Keys.Order());
        foreach (var (cls, n) in counts) Assert.Equal(Math.Sqrt((double)most / n), weights[cls], 12);
        Assert.Contains(weights.Values, w => w == 1);
        Assert.Null(EpochSamples.ClassWindowWeights(tiles, 0));
        Assert.Null(EpochSamples.ClassWindowWeights(ShapeTiles.Make(3, 256, ["car"], seed: 2), 1)); // one class: nothing to favour
    }

    [Fact]
    public void Validated_ObjectWindowClassBalanceOutsideItsRange_IsRefusedNamingTheField()
    {
        var ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => new TrainerOptions { ObjectWindowClassBalance = 2.5 }.Validated("cfg.json"));
        Assert.Contains("cfg.json: objectWindowClassBalance", ex.Message);
        Assert.Equal(1.0, new TrainerOptions { ObjectWindowClassBalance = 1 }.Validated("cfg.json").ObjectWindowClassBalance);
    }
}
