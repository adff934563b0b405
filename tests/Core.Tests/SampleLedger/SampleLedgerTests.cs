using AutoRetrain.Core.SampleLedger;

namespace AutoRetrain.Core.Tests.SampleLedger;

public class SampleLedgerTests
{
    private static TileTrainingStats Stats(string tile, string cycle, double loss, int? epoch = null, params double[] probabilities) =>
        new() { TileId = tile, CycleId = cycle, Epoch = epoch, Loss = loss, TrueClassProbabilities = probabilities };

    [Fact]
    public void TileTrainingStatsFile_WriteThenRead_RoundTrips()
    {
        var stats = new[] { Stats("a", "c1", 0.5, 3, 0.9, 0.4), Stats("b", "c1", 1.5) };
        var back = TileTrainingStatsFile.Read(TileTrainingStatsFile.Write(stats), "tile-stats.jsonl");
        Assert.Equal(2, back.Count);
        Assert.Equal([0.9, 0.4], back[0].TrueClassProbabilities);
        Assert.Equal(3, back[0].Epoch);
        Assert.Null(back[1].Epoch);
    }

    [Fact]
    public void TileTrainingStatsFile_ProbabilityAboveOne_ThrowsWithLineNumber()
    {
        var text = TileTrainingStatsFile.Write([Stats("a", "c1", 0.5)]) + TileTrainingStatsFile.Write([Stats("b", "c1", 0.5, null, 1.2)]);
        var error = Assert.Throws<AutoRetrainException>(() => TileTrainingStatsFile.Read(text, "tile-stats.jsonl"));
        Assert.Contains("tile-stats.jsonl line 2", error.Message);
    }

    [Fact]
    public async Task MergeAsync_TwoCycles_AppendsHistoryWithMeanAndMinProbability()
    {
        var store = new InMemorySampleLedgerStore();
        var merger = new SampleLedgerMerger(store);
        await merger.MergeAsync("c1", [Stats("a", "c1", 0.8, null, 0.2, 0.6)]);
        await merger.MergeAsync("c2", [Stats("a", "c2", 0.3, null, 0.9, 0.7), Stats("b", "c2", 1.0)]);

        var histories = await store.GetAsync(["a", "b", "never"]);
        var a = histories["a"];
        Assert.Equal(["c1", "c2"], a.Observations.Select(o => o.CycleId));
        Assert.Equal(0.3, a.LatestLoss);
        Assert.Equal(0.4, a.Observations[0].MeanTrueClassProbability!.Value, 12);
        Assert.Equal(0.2, a.Observations[0].MinTrueClassProbability);
        Assert.Equal([0.4, 0.8], a.TrueClassProbabilityHistory.Select(p => Math.Round(p, 12)));
        Assert.Null(histories["b"].Latest!.MeanTrueClassProbability);
        Assert.False(histories.ContainsKey("never"));
    }

    [Fact]
    public async Task MergeAsync_EpochLines_OrderedByEpochAndBoundedToCapacity()
    {
        var store = new InMemorySampleLedgerStore();
        var merger = new SampleLedgerMerger(store, capacity: 3);
        await merger.MergeAsync("c1", [Stats("a", "c1", 4, 3), Stats("a", "c1", 1, 0), Stats("a", "c1", 3, 2), Stats("a", "c1", 2, 1)]);
        var a = (await store.GetAsync(["a"]))["a"];
        Assert.Equal([1, 2, 3], a.Observations.Select(o => o.Epoch!.Value));
        Assert.Equal(4, a.LatestLoss);
    }

    [Fact]
    public async Task MergeAsync_SameCycleTwice_MergesOnce()
    {
        var store = new InMemorySampleLedgerStore();
        var merger = new SampleLedgerMerger(store);
        Assert.Equal(1, await merger.MergeAsync("c1", [Stats("a", "c1", 1)]));
        Assert.Equal(0, await merger.MergeAsync("c1", [Stats("a", "c1", 1)]));
        Assert.Single((await store.GetAsync(["a"]))["a"].Observations);
    }

    [Fact]
    public async Task MergeAsync_StatsOfAnotherCycle_Throws()
    {
        var merger = new SampleLedgerMerger(new InMemorySampleLedgerStore());
        var error = await Assert.ThrowsAsync<AutoRetrainException>(() => merger.MergeAsync("c2", [Stats("a", "c1", 1)]));
        Assert.Contains("belong to cycle c1", error.Message);
    }

    [Fact]
    public void Append_ObservationAlreadyHeld_Skipped()
    {
        var history = new TileHistory { TileId = "a" }.Append([SampleLedgerMerger.ToObservation(Stats("a", "c1", 1, 2))], 10);
        var again = history.Append([SampleLedgerMerger.ToObservation(Stats("a", "c1", 1, 2)), SampleLedgerMerger.ToObservation(Stats("a", "c1", 1, 3))], 10);
        Assert.Equal([2, 3], again.Observations.Select(o => o.Epoch!.Value));
    }
}
