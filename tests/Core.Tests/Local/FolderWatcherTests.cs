using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;
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
        Assert.Equal(1, watcher.Unsettled);
        Assert.True(File.Exists(Path.Combine(incoming, "fresh.png")));
    }

    [Fact]
    public async Task ScanOnce_FileChangesWithinSettleTime_TakenOnlyOnceStableForTheWholeSettleTime()
    {
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming");
        Directory.CreateDirectory(incoming);
        string path = Path.Combine(incoming, "slow.png");
        var png = Png(31, 40, 30);
        await File.WriteAllBytesAsync(path, png[..(png.Length / 2)]);
        var watcher = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.FromSeconds(3) };

        Assert.Empty(await watcher.ScanOnceAsync()); // just written
        await Task.Delay(400);
        await File.WriteAllBytesAsync(path, png); // the writer resumes: the settle time restarts now
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-10)); // even with an old modification time
        await Task.Delay(300);
        Assert.Empty(await watcher.ScanOnceAsync()); // the change was seen only now: restart
        await Task.Delay(300);
        Assert.Empty(await watcher.ScanOnceAsync()); // about 300 ms stable, well below 3 s
        await Task.Delay(3000);
        var outcomes = await watcher.ScanOnceAsync();

        Assert.Equal(IngestKind.TileAdded, Assert.Single(outcomes).Kind);
        Assert.Equal(0, (await f.Ledger.GetCountsAsync()).Quarantined);
    }

    [Fact]
    public async Task ScanOnce_TruncatedUploadThatLaterCompletes_RecordedOnceThenIngested()
    {
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming");
        Directory.CreateDirectory(incoming);
        string path = Path.Combine(incoming, "paused.png");
        var png = Png(32, 40, 30);
        await File.WriteAllBytesAsync(path, png[..(png.Length / 2)]);
        var watcher = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero };

        var first = Assert.Single(await watcher.ScanOnceAsync());
        Assert.Equal(ProblemCode.TruncatedImage, first.Problems![0].Code);
        Assert.True(File.Exists(path)); // left in place: the upload may resume
        Assert.Empty(await watcher.ScanOnceAsync()); // recorded once, not on every scan
        await using (var append = new FileStream(path, FileMode.Append)) await append.WriteAsync(png.AsMemory(png.Length / 2));
        var second = Assert.Single(await watcher.ScanOnceAsync());

        Assert.Equal(IngestKind.TileAdded, second.Kind);
        Assert.False(File.Exists(path));
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((1, 1), (counts.Tiles, counts.Quarantined));
    }

    [Fact]
    public async Task ScanOnce_UnexpectedExceptionOnOneFile_CaughtLoggedCountedRecordedOthersIngested()
    {
        using var f = new IngestionFixture();
        var service = new IngestionService(f.Store, f.Ledger, new ThrowingInspector("boom.png"));
        string incoming = Path.Combine(f.Root, "incoming");
        Directory.CreateDirectory(incoming);
        await File.WriteAllBytesAsync(Path.Combine(incoming, "boom.png"), Png(33));
        await File.WriteAllBytesAsync(Path.Combine(incoming, "fine.png"), Png(34));
        var log = new StringWriter();
        var watcher = new FolderWatcher(incoming, service) { SettleTime = TimeSpan.Zero, Log = log };

        var outcomes = await watcher.ScanOnceAsync();

        Assert.Equal(1, watcher.Failures);
        Assert.Contains("boom.png", log.ToString());
        Assert.Contains(nameof(ThrowingInspector), log.ToString()); // the stack is logged
        Assert.Equal(IngestKind.TileAdded, outcomes.Single(o => o.SourceName == "fine.png").Kind);
        var boom = outcomes.Single(o => o.SourceName == "boom.png");
        Assert.Equal(ProblemCode.ProcessingFailed, boom.Problems![0].Code);
        Assert.True(File.Exists(Path.Combine(incoming, "boom.png")));
        Assert.Empty(await watcher.ScanOnceAsync()); // recorded once
    }

    [Fact]
    public async Task ScanOnce_FolderMissing_ClearErrorNothingCreated()
    {
        using var f = new IngestionFixture();
        string missing = Path.Combine(f.Root, "no-such-folder");
        var watcher = new FolderWatcher(missing, f.Service);

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => watcher.ScanOnceAsync());

        Assert.Contains("does not exist", ex.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task ScanOnce_TwoWatchersOverNestedFolders_NoCrashEveryTileOnce()
    {
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming");
        for (int i = 0; i < 30; i++)
            await WriteAsync(Path.Combine(incoming, $"d{i % 5}", $"e{i % 3}", $"t{i}.png"), Png(400 + i, 16, 16));
        var a = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero };
        var b = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero };

        await Task.WhenAll(Task.Run(() => a.ScanOnceAsync()), Task.Run(() => b.ScanOnceAsync()));

        Assert.Equal(0, a.Failures + b.Failures);
        Assert.Equal(30, (await f.Ledger.GetCountsAsync()).Tiles);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(incoming, "*", SearchOption.AllDirectories), File.Exists);
    }

    [Theory]
    [InlineData("", true)]            // the workspace itself
    [InlineData("..", true)]          // a folder holding it
    [InlineData("datasets", true)]    // the store's tiles
    [InlineData("quarantine/x", true)]
    [InlineData("incoming", false)]
    [InlineData("incoming/batch", false)]
    [InlineData("../elsewhere", false)]
    public void EnsureOutsideStore_WatchedFolder_RefusedOnlyWhenItCouldEatTheWorkspace(string relative, bool refused)
    {
        using var f = new IngestionFixture();
        string workspace = Path.Combine(f.Root, "ws");
        string watched = Path.GetFullPath(Path.Combine(workspace, relative));
        Directory.CreateDirectory(Path.Combine(workspace, "incoming"));
        Directory.CreateDirectory(watched);

        var ex = Record.Exception(() => FolderWatcher.EnsureOutsideStore(watched, workspace, Path.Combine(workspace, "incoming")));

        Assert.Equal(refused, ex is AutoRetrainException);
    }

    [Fact]
    public void EnsureOutsideStore_LinkToTheWorkspace_Refused()
    {
        using var f = new IngestionFixture();
        string workspace = Path.Combine(f.Root, "ws"), alias = Path.Combine(f.Root, "alias");
        Directory.CreateDirectory(Path.Combine(workspace, "incoming"));
        Directory.CreateSymbolicLink(alias, workspace);

        var ex = Assert.Throws<AutoRetrainException>(() => FolderWatcher.EnsureOutsideStore(alias, workspace, Path.Combine(workspace, "incoming")));

        Assert.Contains("workspace", ex.Message);
    }

    private static async Task WriteAsync(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content);
    }

    /// <summary>Decodes like the real inspector, except that it throws an unexpected exception for one name.</summary>
    private sealed class ThrowingInspector(string failFor) : Core.Ports.IImageInspector
    {
        public Core.Tiles.ImageFormat? Sniff(ReadOnlySpan<byte> content) => Imagery.Rasters.ImageInspector.Instance.Sniff(content);

        public Core.Tiles.ImageInfo Inspect(ReadOnlyMemory<byte> content, string sourceName, Core.Tiles.ImageLimits limits) =>
            sourceName == failFor ? throw new InvalidOperationException("a defect in a decoder")
                : Imagery.Rasters.ImageInspector.Instance.Inspect(content, sourceName, limits);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
