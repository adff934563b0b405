using Azure.Storage.Blobs;
using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Functions.Ingestion;
using AutoRetrain.Orchestration.Arrival;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Functions.Tests.Ingestion;

public sealed class IngestIncomingBlobTests
{
    [Fact]
    public async Task IngestIncomingBlob_LabelsThenImage_RegistersTheLabelledTileAndSignalsTheManager()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var png = TestImages.UniquePng();
        var labels = await host.UploadAsync("scene-1.labels.json", TestImages.Labels("scene-1.png", 64, 48, ("ship", [1, 2, 30, 20])));
        var image = await host.UploadAsync("scene-1.png", png);

        await host.DeliverAsync(labels);
        Assert.Null(await host.Manager.GetRuntimeStatusAsync(host.Project));
        await host.DeliverAsync(image);

        var tile = await host.Ledger.GetTileAsync(TileId.Of(png));
        Assert.NotNull(tile);
        Assert.Equal(LabelState.Labelled, tile.LabelState);
        Assert.Equal(1, tile.ClassCounts["ship"]);
        Assert.True(await host.Store.ExistsAsync(Containers.Datasets, tile.ImageKey));
        var status = await host.WaitForManagerAsync(s => s.Pending.NewTiles == 1);
        Assert.Equal(1, status.Pending.NewObjectsPerClass["ship"]);
        Assert.Equal(1, status.Pending.NewTrainTiles + status.Pending.NewValidationTiles);
        Assert.False(await labels.ExistsAsync());
        Assert.False(await image.ExistsAsync());
    }

    [Fact]
    public async Task IngestIncomingBlob_SameImageUploadedTwice_OneTileAndTheManagerCountsOnce()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var png = TestImages.UniquePng();
        await host.DeliverAsync(await host.UploadAsync("a.labels.json", TestImages.Labels("a.png", 64, 48, ("plane", [5, 5, 20, 20]))));
        await host.DeliverAsync(await host.UploadAsync("a.png", png));
        await host.DeliverAsync(await host.UploadAsync("a.png", png));
        await host.WaitForManagerAsync(s => s.Pending.NewTiles == 1);

        // A marker signal sent after the duplicate: once it is counted, anything the duplicate sent would be too.
        await host.DeliverAsync(await host.UploadAsync("b.labels.json", TestImages.Labels("b.png", 64, 48, ("ship", [1, 1, 9, 9]))));
        await host.DeliverAsync(await host.UploadAsync("b.png", TestImages.UniquePng()));
        var status = await host.WaitForManagerAsync(s => s.Pending.NewTiles >= 2);

        Assert.Equal(2, status.Pending.NewTiles);
        Assert.Equal(2, status.Pending.Batches);
        Assert.Equal(2, (await host.Ledger.GetCountsAsync()).Tiles);
    }

    [Fact]
    public async Task IngestIncomingBlob_RedeliveryAfterTheBlobWasIngested_DoesNothing()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var blob = await host.UploadAsync("gone.png", TestImages.UniquePng());
        await host.DeliverAsync(blob);

        await host.DeliverAsync(blob);

        Assert.Equal(1, (await host.Ledger.GetCountsAsync()).Tiles);
    }

    [Fact]
    public async Task IngestIncomingBlob_ManagerUnreachableWhenTheTileWasLabelled_TheRedeliverySendsTheSignal()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var deadClient = await PipelineTestHost.UnreachableClientAsync();
        await host.DeliverAsync(await host.UploadAsync("late.labels.json", TestImages.Labels("late.png", 64, 48, ("ship", [1, 1, 9, 9]))));
        var image = await host.UploadAsync("late.png", TestImages.UniquePng());

        await Assert.ThrowsAnyAsync<Exception>(() => host.Function.IngestIncomingBlob(image, deadClient, CancellationToken.None));
        Assert.True(await image.ExistsAsync());
        await host.DeliverAsync(image);

        var status = await host.WaitForManagerAsync(s => s.Pending.NewTiles >= 1);
        Assert.Equal(1, status.Pending.NewTiles);
        Assert.False(await image.ExistsAsync());
    }

    [Fact]
    public async Task IngestIncomingBlob_OwedSignalSentTwice_TheManagerIsStartedAndCountsItOnce()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var png = TestImages.UniquePng();
        var labels = TestImages.Labels("twice.png", 64, 48, ("ship", [1, 1, 9, 9]));
        await host.DeliverAsync(await host.UploadAsync("twice.labels.json", labels));
        var image = await host.UploadAsync("twice.png", png);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await host.Function.IngestIncomingBlob(image, await PipelineTestHost.UnreachableClientAsync(), CancellationToken.None));

        // The signal the blob path owes carries the shared arrival rule's batch id: the tile and its labels' content.
        var owed = Assert.Single(await host.Outbox.ListAsync(DateTimeOffset.MaxValue));
        var signal = Json.Deserialize<ManagerSignal>(owed.Message, "outbox");
        Assert.Equal(ArrivalNotifier.BatchIdFor([new NewlyLabelledTile(TileId.Of(png), Split.Train, new Dictionary<string, int>(), false,
            ContentHash.Of(labels))]), signal.Tiles!.BatchId);
        Assert.Null(await host.Manager.GetRuntimeStatusAsync(host.Project));

        // The repair timer and the redelivery both send it (the first send's outbox delete was lost): counted once.
        await ManagerSignals.Arrivals(host.Durable.Client, host.Options).SendAsync(signal);
        await host.DeliverAsync(image);
        await host.DeliverAsync(await host.UploadAsync("marker.labels.json", TestImages.Labels("marker.png", 64, 48, ("ship", [1, 1, 9, 9]))));
        await host.DeliverAsync(await host.UploadAsync("marker.png", TestImages.UniquePng()));
        var status = await host.WaitForManagerAsync(s => s.Pending.NewTiles >= 2);

        Assert.Equal(2, status.Pending.NewTiles);
        Assert.Equal(2, status.Pending.Batches);
        Assert.Empty(await host.Outbox.ListAsync(DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task IngestIncomingBlob_CorruptImage_GoesToQuarantineWithItsReason()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var blob = await host.UploadAsync("broken.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);

        await host.DeliverAsync(blob);

        var entry = Assert.Single(await host.Ledger.ListQuarantineAsync());
        Assert.EndsWith("broken.png", entry.Key);
        Assert.NotNull(await host.Store.GetAsync(Containers.Quarantine, entry.Key + ".reason.json"));
        Assert.Null(await host.Manager.GetRuntimeStatusAsync(host.Project));
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task IngestIncomingBlob_ClosedClassSetAndAnUnknownClass_QuarantinesTheLabels()
    {
        await using var host = await PipelineTestHost.StartAsync(closedClasses: "ship, plane");

        await host.DeliverAsync(await host.UploadAsync("t.labels.json", TestImages.Labels("t.png", 64, 48, ("tank", [1, 1, 9, 9]))));

        Assert.Equal("UnknownClass", Assert.Single(await host.Ledger.ListQuarantineAsync()).Code);
    }

    [Fact]
    public async Task IngestIncomingBlob_IngestionKeepsFailing_RetriedThenQuarantinedWithTheLastError()
    {
        await using var host = await PipelineTestHost.StartAsync(maxAttempts: 3, ledgerFor: real => new TileWritesFail(real));
        var blob = await host.UploadAsync("unlucky.png", TestImages.UniquePng());

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.DeliverAsync(blob));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.DeliverAsync(blob));
        Assert.True(await blob.ExistsAsync());
        await host.DeliverAsync(blob);

        var entry = Assert.Single(await host.Ledger.ListQuarantineAsync());
        Assert.Equal(FailedIngestionReason.IngestionFailedCode, entry.Code);
        Assert.Contains("table outage", entry.Message);
        var reason = AutoRetrain.Core.Json.Deserialize<FailedIngestionReason>(
            System.Text.Encoding.UTF8.GetString((await host.Store.GetAsync(Containers.Quarantine, entry.Key + ".reason.json"))!), "reason");
        Assert.Equal(3, reason.Attempts);
        Assert.False(await blob.ExistsAsync());
    }

    /// <summary>The real ledger with its tile inserts failing, as during a storage outage.</summary>
    private sealed class TileWritesFail(ITileLedger real) : ITileLedger
    {
        public Task<(TileRecord Tile, bool Added)> AddTileAsync(TileRecord tile, CancellationToken ct = default) =>
            throw new InvalidOperationException("simulated table outage");

        public Task<TileRecord?> GetTileAsync(TileId id, CancellationToken ct = default) => real.GetTileAsync(id, ct);
        public Task<IReadOnlyList<TileRecord>> FindByPairingKeyAsync(string pairingKey, CancellationToken ct = default) =>
            real.FindByPairingKeyAsync(pairingKey, ct);
        public Task<bool> SetLabelsAsync(TileId id, string labelHash, string labelKey, IReadOnlyDictionary<string, int> classCounts,
            DateTimeOffset at, CancellationToken ct = default) => real.SetLabelsAsync(id, labelHash, labelKey, classCounts, at, ct);
        public Task PutPendingLabelAsync(PendingLabel label, CancellationToken ct = default) => real.PutPendingLabelAsync(label, ct);
        public Task<PendingLabel?> GetPendingLabelAsync(string pairingKey, CancellationToken ct = default) => real.GetPendingLabelAsync(pairingKey, ct);
        public Task RemovePendingLabelAsync(string pairingKey, string labelHash, CancellationToken ct = default) =>
            real.RemovePendingLabelAsync(pairingKey, labelHash, ct);
        public Task RecordQuarantineAsync(QuarantineEntry entry, CancellationToken ct = default) => real.RecordQuarantineAsync(entry, ct);
        public Task<IReadOnlyList<TileRecord>> ListTilesAsync(CancellationToken ct = default) => real.ListTilesAsync(ct);
        public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(CancellationToken ct = default) => real.ListQuarantineAsync(ct);
        public Task<LedgerCounts> GetCountsAsync(CancellationToken ct = default) => real.GetCountsAsync(ct);
    }
}
