using AutoRetrain.Cloud.SampleLedger;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Functions.Tests.SampleLedger;

public sealed class TableSampleLedgerStoreTests
{
    private readonly TableSampleLedgerStore _store = new(Azurite.Connect().Tables, Azurite.UniqueTablePrefix());

    private static TileHistory History(string tileId, double loss) => new()
    {
        TileId = tileId,
        Observations = [new TileObservation { CycleId = "c1", Loss = loss, MeanTrueClassProbability = 0.6 }],
    };

    [Fact]
    public async Task PutAsync_ManyTilesAcrossPartitions_GetReturnsEachHistoryAndNothingForUnknownTiles()
    {
        var ids = Enumerable.Range(0, 250).Select(i => TileId.Of(BitConverter.GetBytes(i)).Value).ToList();
        await _store.PutAsync(ids.Select((id, i) => History(id, i)));

        var found = await _store.GetAsync([.. ids, new string('f', 64)]);

        Assert.Equal(250, found.Count);
        Assert.Equal(17, found[ids[17]].LatestLoss);
        Assert.Equal([0.6], found[ids[3]].TrueClassProbabilityHistory);
    }

    [Fact]
    public async Task PutAsync_AgainForOneTile_ReplacesItsHistory()
    {
        string id = TileId.Of([9, 9]).Value;
        await _store.PutAsync([History(id, 1.0)]);
        await _store.PutAsync([History(id, 0.25)]);

        Assert.Equal(0.25, (await _store.GetAsync([id]))[id].LatestLoss);
    }

    [Fact]
    public async Task MarkCycleMergedAsync_ThenIsCycleMerged_IsTrueOnlyForThatCycle()
    {
        await _store.MarkCycleMergedAsync("p-cycle-0001");
        await _store.MarkCycleMergedAsync("p-cycle-0001");

        Assert.True(await _store.IsCycleMergedAsync("p-cycle-0001"));
        Assert.False(await _store.IsCycleMergedAsync("p-cycle-0002"));
    }
}
