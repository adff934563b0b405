using System.Text;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Ingestion;

public class IngestionServiceTests
{
    [Fact]
    public async Task Ingest_ImageThenLabels_OneLabelledTileWithClassCounts()
    {
        using var f = new IngestionFixture();
        var image = await f.Service.IngestAsync("a.png", Png(1));
        var labels = await f.Service.IngestAsync("a.labels.json",
            LabelsJson("a.png", 64, 48, ("plane", [1, 2, 30, 20]), ("plane", [3, 3, 9, 9]), ("ship", [40, 10, 60, 40])));

        Assert.Equal(IngestKind.TileAdded, image.Kind);
        Assert.Null(image.NewlyLabelled);
        Assert.Equal(IngestKind.LabelsAttached, labels.Kind);
        Assert.Equal(image.TileId, labels.TileId);
        Assert.Equal(2, labels.NewlyLabelled!.ClassCounts["plane"]);
        Assert.Equal(1, labels.NewlyLabelled.ClassCounts["ship"]);
        var tile = Assert.Single(await f.Ledger.ListTilesAsync());
        Assert.Equal(Tiles.LabelState.Labelled, tile.LabelState);
        Assert.True(await f.Store.ExistsAsync(Containers.Datasets, tile.ImageKey));
        Assert.True(await f.Store.ExistsAsync(Containers.Datasets, tile.LabelKey!));
    }

    [Fact]
    public async Task Ingest_LabelsBeforeImage_KeptPendingThenAttached()
    {
        using var f = new IngestionFixture();
        var labels = await f.Service.IngestAsync("batch-1/a.labels.json", LabelsJson("a.png", 64, 48, ("plane", [1, 2, 30, 20])));
        Assert.Equal(IngestKind.LabelsPending, labels.Kind);
        Assert.Equal(1, (await f.Ledger.GetCountsAsync()).PendingLabels);

        var image = await f.Service.IngestAsync("batch-1/a.png", Png(1));

        Assert.Equal(IngestKind.TileAdded, image.Kind);
        Assert.Equal(1, image.NewlyLabelled!.ClassCounts["plane"]);
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 1, 0, 0), (counts.Tiles, counts.Labelled, counts.PendingLabels, counts.Quarantined));
    }

    [Fact]
    public async Task Ingest_SameNameInAnotherFolder_DoesNotPair()
    {
        using var f = new IngestionFixture();
        await f.Service.IngestAsync("batch-1/a.png", Png(1));
        var labels = await f.Service.IngestAsync("batch-2/a.labels.json", LabelsJson("a.png", 64, 48, ("plane", [1, 2, 30, 20])));
        Assert.Equal(IngestKind.LabelsPending, labels.Kind);
    }

    [Fact]
    public async Task Ingest_DuplicateDeliveries_ReportNothingNew()
    {
        using var f = new IngestionFixture();
        byte[] png = Png(7), json = LabelsJson("a.png", 64, 48, ("ship", [1, 1, 5, 5]));
        await f.Service.IngestAsync("a.png", png);
        await f.Service.IngestAsync("a.labels.json", json);

        var image2 = await f.Service.IngestAsync("a.png", png);
        var image3 = await f.Service.IngestAsync("renamed.png", png);
        var labels2 = await f.Service.IngestAsync("a.labels.json", json);

        Assert.Equal(IngestKind.DuplicateTile, image2.Kind);
        Assert.Equal(IngestKind.DuplicateTile, image3.Kind);
        Assert.Equal(IngestKind.LabelsUnchanged, labels2.Kind);
        Assert.Null(labels2.NewlyLabelled);
        Assert.Single(await f.Ledger.ListTilesAsync());
    }

    [Fact]
    public async Task Ingest_CorrectedLabels_ReportedAsRelabelled()
    {
        using var f = new IngestionFixture();
        await f.Service.IngestAsync("a.png", Png(7));
        await f.Service.IngestAsync("a.labels.json", LabelsJson("a.png", 64, 48, ("ship", [1, 1, 5, 5])));
        var corrected = await f.Service.IngestAsync("a.labels.json", LabelsJson("a.png", 64, 48, ("plane", [1, 1, 5, 5])));
        Assert.Equal(IngestKind.LabelsAttached, corrected.Kind);
        Assert.True(corrected.NewlyLabelled!.Relabelled);
        Assert.Equal(1, Assert.Single(await f.Ledger.ListTilesAsync()).ClassCounts["plane"]);
    }

    public static TheoryData<string, byte[], ProblemCode> BadFiles()
    {
        byte[] png = Png(3);
        var data = new TheoryData<string, byte[], ProblemCode>
        {
            { "empty.png", [], ProblemCode.EmptyFile },
            { "truncated.png", png[..(png.Length / 2)], ProblemCode.TruncatedImage },
            { "notes.txt", Encoding.UTF8.GetBytes("hello"), ProblemCode.UnsupportedFormat },
            { "fake.png", Encoding.UTF8.GetBytes("this is not a png at all"), ProblemCode.UnsupportedFormat },
            { "x.labels.json", Encoding.UTF8.GetBytes("{ \"image\": \"x.png\", \"objects\": [ "), ProblemCode.MalformedJson },
            { "x.labels.json", Encoding.UTF8.GetBytes("{ \"image\": \"x.png\", \"objects\": [ { \"class\": \"plane\", \"box\": [\"NaN\", 0, 5, 5] } ] }"), ProblemCode.NonFiniteBox },
            { "x.labels.json", LabelsJson("x.png", 64, 48, ("plane", [-3, 0, 5, 5])), ProblemCode.NegativeCoordinate },
            { "x.labels.json", LabelsJson("x.png", 64, 48, ("plane", [0, 0, 65, 5])), ProblemCode.OutOfBounds },
            { "x.labels.json", LabelsJson("x.png", 64, 48, ("plane", [5, 5, 5, 9])), ProblemCode.DegenerateBox },
            { "x.labels.json", LabelsJson("y.png", 64, 48, ("plane", [1, 1, 5, 9])), ProblemCode.ImageNameMismatch },
            { "../escape.png", png, ProblemCode.UnsafeName },
            { "/etc/passwd.png", png, ProblemCode.UnsafeName },
            { "bell\u0007.png", png, ProblemCode.UnsafeName },
        };
        // A valid PNG whose compressed pixel data is damaged.
        var corrupt = (byte[])png.Clone();
        int idat = corrupt.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 10; i < idat + 200; i++) corrupt[i] ^= 0x5A;
        data.Add("corrupt.png", corrupt, ProblemCode.CorruptImage);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Ingest_BadFile_QuarantinedWithReasonFileAndCounted(string name, byte[] content, ProblemCode expected)
    {
        using var f = new IngestionFixture();
        var outcome = await f.Service.IngestAsync(name, content);

        Assert.Equal(IngestKind.Quarantined, outcome.Kind);
        Assert.Contains(outcome.Problems!, p => p.Code == expected);
        var kept = await f.Store.GetAsync(Containers.Quarantine, outcome.QuarantineKey!);
        Assert.Equal(content, kept);
        var reasonJson = await f.Store.GetAsync(Containers.Quarantine, outcome.QuarantineKey + QuarantineReason.Suffix);
        var reason = Json.Deserialize<QuarantineReason>(Encoding.UTF8.GetString(reasonJson!), "reason");
        Assert.Contains(reason.Problems, p => p.Code == expected);
        Assert.Equal(1, (await f.Ledger.GetCountsAsync()).Quarantined);
        Assert.Empty(await f.Ledger.ListTilesAsync());
    }

    [Fact]
    public async Task Ingest_OversizedImage_RefusedAsImageTooLarge()
    {
        using var f = new IngestionFixture(new IngestionOptions { Limits = new ImageLimits(MaxPixels: 1000) });
        var outcome = await f.Service.IngestAsync("big.png", Png(1, 64, 48));
        Assert.Equal(ProblemCode.ImageTooLarge, outcome.Problems![0].Code);
    }

    [Fact]
    public async Task Ingest_UnknownClassWithClosedSet_Quarantined()
    {
        using var f = new IngestionFixture(new IngestionOptions { ClosedClassSet = new HashSet<string> { "ship" } });
        var outcome = await f.Service.IngestAsync("a.labels.json", LabelsJson("a.png", 64, 48, ("plane", [1, 1, 5, 5])));
        Assert.Equal(ProblemCode.UnknownClass, outcome.Problems![0].Code);
    }

    [Fact]
    public async Task Ingest_LabelSizeDiffersFromImage_QuarantinedEvenWhenLabelsCameFirst()
    {
        using var f = new IngestionFixture();
        await f.Service.IngestAsync("a.labels.json", LabelsJson("a.png", 100, 100, ("plane", [1, 1, 5, 5])));
        var image = await f.Service.IngestAsync("a.png", Png(1, 64, 48));

        Assert.Equal(IngestKind.TileAdded, image.Kind);
        Assert.Null(image.NewlyLabelled);
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 0, 0, 1), (counts.Tiles, counts.Labelled, counts.PendingLabels, counts.Quarantined));
        Assert.Equal(nameof(ProblemCode.SizeMismatch), Assert.Single(await f.Ledger.ListQuarantineAsync()).Code);
    }

    [Fact]
    public async Task Ingest_TileSplit_IsAPureFunctionOfTheId()
    {
        using var f = new IngestionFixture();
        var outcome = await f.Service.IngestAsync("a.png", Png(11));
        var tile = await f.Ledger.GetTileAsync(outcome.TileId!.Value);
        Assert.Equal(Snapshots.SplitAssigner.For(outcome.TileId.Value), tile!.Split);
    }

    [Fact]
    public async Task Ingest_KnownBytesUnderNewNameThenLabelsForThatName_LabelsAttachToTheTile()
    {
        using var f = new IngestionFixture();
        var bytes = Png(41);
        var first = await f.Service.IngestAsync("old/x.png", bytes);
        var again = await f.Service.IngestAsync("new/y.png", bytes);
        var labels = await f.Service.IngestAsync("new/y.labels.json", LabelsJson("y.png", 64, 48, ("ship", [1, 1, 9, 9])));

        Assert.Equal(IngestKind.DuplicateTile, again.Kind);
        Assert.Equal(IngestKind.LabelsAttached, labels.Kind);
        Assert.Equal(first.TileId, labels.TileId);
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 1, 0), (counts.Tiles, counts.Labelled, counts.PendingLabels));
    }

    [Fact]
    public async Task Ingest_LabelsForNewNameThenKnownBytesUnderIt_LabelsAttachToTheTile()
    {
        using var f = new IngestionFixture();
        var bytes = Png(42);
        await f.Service.IngestAsync("x.png", bytes);
        var labels = await f.Service.IngestAsync("y.labels.json", LabelsJson("y.png", 64, 48, ("ship", [1, 1, 9, 9])));
        var again = await f.Service.IngestAsync("y.png", bytes);

        Assert.Equal(IngestKind.LabelsPending, labels.Kind);
        Assert.NotNull(again.NewlyLabelled);
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 1, 0), (counts.Tiles, counts.Labelled, counts.PendingLabels));
    }

    [Theory]
    [InlineData("a/x.png", "b/x.png")]
    [InlineData("ä.png", "ö.png")]
    public async Task Ingest_SameBadBytesUnderNamesThatSanitiseAlike_TwoRecords(string one, string two)
    {
        using var f = new IngestionFixture();
        var a = await f.Service.IngestAsync(one, Encoding.UTF8.GetBytes("not an image"));
        var b = await f.Service.IngestAsync(two, Encoding.UTF8.GetBytes("not an image"));
        var again = await f.Service.IngestAsync(one, Encoding.UTF8.GetBytes("not an image"));

        Assert.NotEqual(a.QuarantineKey, b.QuarantineKey);
        Assert.Equal(a.QuarantineKey, again.QuarantineKey);
        Assert.True(again.AlreadyRecorded);
        Assert.Equal(2, (await f.Ledger.ListQuarantineAsync()).Count);
    }

    [Fact]
    public async Task Ingest_SidecarAboveLimit_RefusedAsFileTooLarge()
    {
        using var f = new IngestionFixture(new IngestionOptions { MaxSidecarBytes = 100 });
        var outcome = await f.Service.IngestAsync("x.labels.json", LabelsJson("x.png", 64, 48, ("ship", [1, 1, 9, 9]), ("ship", [2, 2, 9, 9])));

        Assert.Equal(ProblemCode.FileTooLarge, outcome.Problems![0].Code);
    }
}
