using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local.Ledger;

namespace AutoRetrain.Functions.Tests.Ledger;

/// <summary>The Table Storage ledger on Azurite.</summary>
public sealed class TableTileLedgerTests() : TileLedgerContract(new TableTileLedger(Azurite.Connect().Tables, Azurite.UniqueTablePrefix()));

/// <summary>The local SQLite ledger under the same contract: both hosts' ledgers behave alike.</summary>
public sealed class SqliteTileLedgerContractTests() : TileLedgerContract(
    new SqliteTileLedger(Path.Combine(Directory.CreateTempSubdirectory("autoretrain-ledger-").FullName, "ledger.db")));

/// <summary>
/// What every ITileLedger must do (its doc comments): insert-if-absent tiles, label changes reported once, pending
/// labels per pairing key removed only with their hash, quarantine entries counted once per key, under concurrency.
/// </summary>
public abstract class TileLedgerContract(ITileLedger ledger)
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 13, 0, 0, TimeSpan.Zero);
    private readonly ITileLedger _ledger = ledger;

    [Fact]
    public async Task AddTileAsync_SameTileTwice_SecondIsNotAddedAndReturnsTheStoredRecord()
    {
        var tile = TestTiles.New("scene-1.png");
        var first = await _ledger.AddTileAsync(tile);
        var second = await _ledger.AddTileAsync(tile with { SourceName = "copy-of-scene-1.png" });

        Assert.True(first.Added);
        Assert.False(second.Added);
        Assert.Equal("scene-1.png", second.Tile.SourceName);
        Assert.Equal(tile.Image, (await _ledger.GetTileAsync(tile.Id))!.Image);
    }

    [Fact]
    public async Task AddTileAsync_ConcurrentWritersOfOneTile_ExactlyOneAdds()
    {
        var tile = TestTiles.New("burst.png");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _ledger.AddTileAsync(tile)));

        Assert.Single(results, r => r.Added);
        Assert.All(results, r => Assert.Equal(tile.Id, r.Tile.Id));
        Assert.Equal(1, (await _ledger.GetCountsAsync()).Tiles);
    }

    [Fact]
    public async Task SetLabelsAsync_SameHashTwice_OnlyTheFirstReportsAChange()
    {
        var tile = TestTiles.New("a.png");
        await _ledger.AddTileAsync(tile);
        var counts = new Dictionary<string, int> { ["ship"] = 2 };

        Assert.True(await _ledger.SetLabelsAsync(tile.Id, Hash('1'), "labels/11/x.labels.json", counts, At));
        Assert.False(await _ledger.SetLabelsAsync(tile.Id, Hash('1'), "labels/11/x.labels.json", counts, At));
        Assert.True(await _ledger.SetLabelsAsync(tile.Id, Hash('2'), "labels/22/y.labels.json", counts, At));

        var stored = (await _ledger.GetTileAsync(tile.Id))!;
        Assert.Equal(Hash('2'), stored.LabelHash);
        Assert.Equal(2, stored.ClassCounts["ship"]);
    }

    [Fact]
    public async Task SetLabelsAsync_ConcurrentWritersOfOneHash_ExactlyOneReportsTheChange()
    {
        var tile = TestTiles.New("b.png");
        await _ledger.AddTileAsync(tile);

        var changed = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _ledger.SetLabelsAsync(tile.Id, Hash('3'), "labels/33/z.labels.json", new Dictionary<string, int> { ["plane"] = 1 }, At)));

        Assert.Single(changed, c => c);
    }

    [Fact]
    public async Task SetLabelsAsync_ConcurrentWritersOfDistinctHashes_EveryWriterChangesAndTheLastWriteIsWhole()
    {
        // Distinct hashes: each writer finds a different hash stored, so every one changes the tile once; the ETag
        // retries make the conflicting writers re-read instead of losing or mixing updates.
        var tile = TestTiles.New("c.png");
        await _ledger.AddTileAsync(tile);
        var hashes = "456789ab".Select(Hash).ToArray();

        var changed = await Task.WhenAll(hashes.Select(h =>
            _ledger.SetLabelsAsync(tile.Id, h, $"labels/{h[..2]}/{h}.labels.json", new Dictionary<string, int> { [h[..1]] = 1 }, At)));

        Assert.All(changed, Assert.True);
        var stored = (await _ledger.GetTileAsync(tile.Id))!;
        Assert.Contains(stored.LabelHash, hashes);
        Assert.Equal($"labels/{stored.LabelHash![..2]}/{stored.LabelHash}.labels.json", stored.LabelKey);
        Assert.Equal(stored.LabelHash[..1], Assert.Single(stored.ClassCounts).Key);
    }

    [Fact]
    public async Task SetLabelsAsync_UnknownTile_ReturnsFalse()
    {
        var tile = TestTiles.New("never-added.png");
        Assert.False(await _ledger.SetLabelsAsync(tile.Id, Hash('c'), "k", new Dictionary<string, int>(), At));
    }

    [Fact]
    public async Task FindByPairingKeyAsync_TwoTilesOfOneName_ReturnsNewestFirst()
    {
        var older = TestTiles.New("area/scene-7.png", At);
        var newer = TestTiles.New("area/scene-7.tif", At.AddMinutes(5));
        await _ledger.AddTileAsync(older);
        await _ledger.AddTileAsync(newer);
        await _ledger.AddTileAsync(TestTiles.New("area/other.png", At));

        var found = await _ledger.FindByPairingKeyAsync(older.PairingKey);

        Assert.Equal([newer.Id, older.Id], found.Select(t => t.Id));
    }

    [Fact]
    public async Task RemovePendingLabelAsync_OtherHash_KeepsThePendingLabel()
    {
        var pending = new PendingLabel("area/scene-9", Hash('d'), "labels/dd/p.labels.json", "area/scene-9.labels.json", At);
        await _ledger.PutPendingLabelAsync(pending);

        await _ledger.RemovePendingLabelAsync("area/scene-9", Hash('e'));
        Assert.Equal(pending, await _ledger.GetPendingLabelAsync("area/scene-9"));

        await _ledger.RemovePendingLabelAsync("area/scene-9", Hash('d'));
        Assert.Null(await _ledger.GetPendingLabelAsync("area/scene-9"));
    }

    [Fact]
    public async Task RecordQuarantineAsync_SameKeyTwice_CountsOnce()
    {
        var entry = new QuarantineEntry("ab/abcd/bad.png", "bad.png", "unreadable-image", "not an image", At);
        await _ledger.RecordQuarantineAsync(entry);
        await _ledger.RecordQuarantineAsync(entry with { At = At.AddHours(1) });
        await _ledger.RecordQuarantineAsync(new QuarantineEntry("cd/cdef/x.labels.json", "x.labels.json", "box-outside-image", "box 1", At));
        await _ledger.PutPendingLabelAsync(new PendingLabel("p", Hash('f'), "k", "p.labels.json", At));

        var counts = await _ledger.GetCountsAsync();

        Assert.Equal(2, counts.Quarantined);
        Assert.Equal(1, counts.PendingLabels);
        Assert.Equal(1, counts.QuarantinedByCode["unreadable-image"]);
        Assert.Equal(["ab/abcd/bad.png", "cd/cdef/x.labels.json"], (await _ledger.ListQuarantineAsync()).Select(q => q.Key));
    }

    private static string Hash(char c) => new(c, 64);
}
