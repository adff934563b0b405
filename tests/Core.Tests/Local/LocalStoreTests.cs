using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tests.Ingestion;
using AutoRetrain.Local.Ledger;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Local;

public class LocalStoreTests
{
    [Fact]
    public async Task FolderStore_HasTheBlobContainerLayout()
    {
        using var f = new IngestionFixture();
        foreach (var container in Containers.All)
            Assert.True(Directory.Exists(Path.Combine(f.Store.Root, container)));
        await f.Store.PutAsync(Containers.Models, "m1/model.bin", new byte[] { 1, 2 });
        Assert.True(File.Exists(Path.Combine(f.Store.Root, "models", "m1", "model.bin")));
        Assert.Equal(["m1/model.bin"], await f.Store.ListAsync(Containers.Models).ToListAsync());
    }

    [Fact]
    public async Task FolderStore_PutWithoutOverwrite_KeepsTheFirstContent()
    {
        using var f = new IngestionFixture();
        Assert.True(await f.Store.PutAsync(Containers.Runs, "x", new byte[] { 1 }, overwrite: false));
        Assert.False(await f.Store.PutAsync(Containers.Runs, "x", new byte[] { 2 }, overwrite: false));
        Assert.Equal(new byte[] { 1 }, await f.Store.GetAsync(Containers.Runs, "x"));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../b")]
    [InlineData("/abs")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    public async Task FolderStore_UnsafeKey_Refused(string key)
    {
        using var f = new IngestionFixture();
        await Assert.ThrowsAsync<AutoRetrainException>(() => f.Store.PutAsync(Containers.Runs, key, new byte[] { 1 }));
    }

    [Fact]
    public async Task SqliteLedger_Reopened_KeepsEverything()
    {
        using var f = new IngestionFixture();
        await f.Service.IngestAsync("a.png", Png(1));
        await f.Service.IngestAsync("a.labels.json", LabelsJson("a.png", 64, 48, ("ship", [1, 1, 5, 5])));
        await f.Service.IngestAsync("b.labels.json", LabelsJson("b.png", 64, 48, ("ship", [1, 1, 5, 5])));
        await f.Service.IngestAsync("c.png", Array.Empty<byte>());

        f.Db.Dispose();
        var reopened = new SqliteTileLedger(Path.Combine(f.Root, "ledger.db"));
        var counts = await reopened.GetCountsAsync();
        Assert.Equal((1, 1, 1, 1), (counts.Tiles, counts.Labelled, counts.PendingLabels, counts.Quarantined));
        Assert.Equal(1, counts.QuarantinedByCode["EmptyFile"]);
        var tile = Assert.Single(await reopened.ListTilesAsync());
        Assert.Equal(64, tile.Image.Width);
        Assert.Equal("a.png", tile.SourceName);
    }
}
