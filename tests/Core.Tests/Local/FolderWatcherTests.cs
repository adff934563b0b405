using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Tests.Ingestion;
using AutoRetrain.Local.Watching;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Local;

public class FolderWatcherTests
{
    [Fact]
    public async Task ScanOnce_FilesInNestedFolders_IngestedAndRemovedFromIncoming()
    {
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming");
        Directory.CreateDirectory(Path.Combine(incoming, "day-1"));
        await File.WriteAllBytesAsync(Path.Combine(incoming, "day-1", "a.labels.json"), LabelsJson("a.png", 40, 30, ("ship", [1, 1, 9, 9])));
        await File.WriteAllBytesAsync(Path.Combine(incoming, "day-1", "a.png"), Png(5, 40, 30));
        await File.WriteAllBytesAsync(Path.Combine(incoming, "broken.png"), [0x89, 0x50, 0x4E]);
        var watcher = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero };
        var seen = new List<IngestProgress>();

        var outcomes = await watcher.ScanOnceAsync(new SynchronousProgress<IngestProgress>(seen.Add));

        Assert.Equal(3, outcomes.Count);
        Assert.Equal([1, 2, 3], seen.Select(p => p.Done));
        Assert.All(seen, p => Assert.Equal(3, p.Total));
        // Images are taken before labels, so the labels attach at once.
        Assert.Equal(IngestKind.LabelsAttached, outcomes.Single(o => o.SourceName == "day-1/a.labels.json").Kind);
        Assert.Equal(IngestKind.Quarantined, outcomes.Single(o => o.SourceName == "broken.png").Kind);
        Assert.Empty(Directory.EnumerateFileSystemEntries(incoming));
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 1, 1), (counts.Tiles, counts.Labelled, counts.Quarantined));
    }

    [Fact]
    public async Task ScanOnce_FileStillBeingWritten_LeftForTheNextScan()
    {
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming");
        Directory.CreateDirectory(incoming);
        await File.WriteAllBytesAsync(Path.Combine(incoming, "fresh.png"), Png(5));
        var watcher = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.FromMinutes(5) };

        Assert.Empty(await watcher.ScanOnceAsync());
        Assert.True(File.Exists(Path.Combine(incoming, "fresh.png")));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
