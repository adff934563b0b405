using System.Collections.Concurrent;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Local.Watching;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Ingestion;

/// <summary>
/// At-least-once, concurrent, out-of-order delivery: every file of N labelled tiles is delivered one to three
/// times, in a random order, by several workers at once. The end state must be exactly N labelled tiles.
/// </summary>
public class RandomizedDeliveryTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    public async Task Deliver_ShuffledDuplicatedConcurrent_ExactlyNTilesNoneLost(int seed, int workers)
    {
        const int n = 40;
        var random = new Random(seed);
        var files = new List<(string Name, byte[] Content)>();
        for (int i = 0; i < n; i++)
        {
            string stem = $"batch-{i % 3}/tile-{i:D3}";
            files.Add(($"{stem}.png", Png(1000 * seed + i, 32, 32)));
            files.Add(($"{stem}.labels.json", LabelsJson($"tile-{i:D3}.png", 32, 32, ($"class-{i % 4}", [1, 1, 10 + i % 5, 12]))));
        }
        var deliveries = files.SelectMany(file => Enumerable.Repeat(file, random.Next(1, 4))).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(deliveries));

        using var f = new IngestionFixture();
        var outcomes = new ConcurrentBag<IngestOutcome>();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = workers },
            async (d, ct) => outcomes.Add(await f.Service.IngestAsync(d.Name, d.Content, ct)));

        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal(n, counts.Tiles);
        Assert.Equal(n, counts.Labelled);
        Assert.Equal(0, counts.PendingLabels);
        Assert.Equal(0, counts.Quarantined);
        Assert.DoesNotContain(outcomes, o => o.Kind == IngestKind.Quarantined);
        // Each tile is reported newly labelled exactly once, whatever the order and the duplicates.
        var reported = outcomes.Where(o => o.NewlyLabelled is not null).Select(o => o.NewlyLabelled!.TileId).ToList();
        Assert.Equal(n, reported.Count);
        Assert.Equal(n, reported.Distinct().Count());
        Assert.Equal(n, outcomes.Count(o => o.Kind == IngestKind.TileAdded));
    }

    /// <summary>
    /// The same stream written into a watched folder with sub-folders, hostile entries mixed in (FIFOs, links to a
    /// sentinel folder and file outside, dangling links, bad bytes, null objects, uploads in progress), and two watchers
    /// scanning it at once: every good tile exactly once and labelled, every hostile entry with exactly one record,
    /// no crash, and the sentinel behind the links unchanged byte for byte.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Watch_HostileFilesTwoConcurrentWatchers_EveryGoodTileOnceEveryHostileRecordedNothingOutsideTouched(int seed)
    {
        const int n = 24;
        var random = new Random(seed);
        using var f = new IngestionFixture();
        string incoming = Path.Combine(f.Root, "incoming"), sentinel = Path.Combine(f.Root, "sentinel");
        Directory.CreateDirectory(incoming);
        Directory.CreateDirectory(Path.Combine(sentinel, "deep"));
        for (int i = 0; i < 5; i++) await File.WriteAllBytesAsync(Path.Combine(sentinel, i % 2 == 0 ? "deep" : "", $"s{i}.png"), Png(9000 + i, 16, 16));
        await File.WriteAllTextAsync(Path.Combine(sentinel, "s.labels.json"), "{\"image\": \"s.png\", \"objects\": []}");
        string sentinelBefore = Hostile.HostileCorpusTests.Snapshot(sentinel);

        var actions = new List<Action>();
        for (int i = 0; i < n; i++)
        {
            string stem = Path.Combine(incoming, $"batch-{i % 3}", $"day-{i % 2}", $"tile-{i:D3}");
            var png = Png(100 * seed + i, 32, 32);
            var labels = LabelsJson($"tile-{i:D3}.png", 32, 32, ($"class-{i % 4}", [1, 1, 10 + i % 5, 12]));
            actions.Add(() => Write(stem + ".png", png));
            actions.Add(() => Write(stem + ".labels.json", labels));
        }
        var hostile = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            string rel = $"batch-{i % 3}/hostile-{i:D2}" + (i % 6) switch
            {
                0 => "-fifo.png", 1 => "-dir-link", 2 => "-file-link.png", 3 => "-dangling.png", 4 => "-bad.png", _ => "-null.labels.json",
            };
            string path = Path.Combine(incoming, rel);
            hostile.Add(rel);
            actions.Add((i % 6) switch
            {
                0 => () => { Directory.CreateDirectory(Path.GetDirectoryName(path)!); Hostile.SpecialFiles.Fifo(path); },
                1 => () => { Directory.CreateDirectory(Path.GetDirectoryName(path)!); File.CreateSymbolicLink(path, sentinel); },
                2 => () => { Directory.CreateDirectory(Path.GetDirectoryName(path)!); File.CreateSymbolicLink(path, Path.Combine(sentinel, "s1.png")); },
                3 => () => { Directory.CreateDirectory(Path.GetDirectoryName(path)!); File.CreateSymbolicLink(path, Path.Combine(f.Root, "gone.png")); },
                4 => () => Write(path, System.Text.Encoding.UTF8.GetBytes($"not an image {i}")),
                _ => () => Write(path, System.Text.Encoding.UTF8.GetBytes($"{{\"image\": \"hostile-{i:D2}-null.png\", \"objects\": null}}")),
            });
        }
        actions.Add(() => Write(Path.Combine(incoming, "batch-0", "upload.png.partial"), Png(7)));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(actions));
        foreach (var act in actions) act();

        var log = new StringWriter();
        var a = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero, Log = log };
        var b = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero, Log = log };
        async Task<List<IngestOutcome>> Run(FolderWatcher w)
        {
            var all = new List<IngestOutcome>();
            for (int round = 0; round < 3; round++) all.AddRange(await w.ScanOnceAsync());
            return all;
        }
        var results = await Task.WhenAll(Task.Run(() => Run(a)), Task.Run(() => Run(b))).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(a.Failures + b.Failures == 0, log.ToString());
        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal((n, n, 0), (counts.Tiles, counts.Labelled, counts.PendingLabels));
        var records = await f.Ledger.ListQuarantineAsync();
        Assert.Equal(hostile.Order(StringComparer.Ordinal), records.Select(r => r.SourceName).Order(StringComparer.Ordinal));
        // Each hostile entry is reported by at least one watcher, and a watcher never reports the same one twice. (Two
        // watchers that read the same bad file at the same moment may both report it: each did quarantine it; the ledger
        // above keeps one record, keyed by content and name.)
        foreach (var outcomes in results)
        {
            var reported = outcomes.Where(o => o.Kind == IngestKind.Quarantined).Select(o => o.SourceName).ToList();
            Assert.Equal(reported.Count, reported.Distinct().Count());
        }
        Assert.Equal(hostile.Order(StringComparer.Ordinal),
            results.SelectMany(r => r).Where(o => o.Kind == IngestKind.Quarantined).Select(o => o.SourceName).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(sentinelBefore, Hostile.HostileCorpusTests.Snapshot(sentinel));
        Assert.True(File.Exists(Path.Combine(incoming, "batch-0", "upload.png.partial")));
        // Only what may not be read remains: the links, FIFOs, and the upload in progress.
        var left = EntriesNotFollowingLinks(incoming).Select(p => Path.GetRelativePath(incoming, p)).Order(StringComparer.Ordinal).ToList();
        var expectedLeft = hostile.Where(h => !h.EndsWith("-bad.png") && !h.EndsWith("-null.labels.json")).Append("batch-0/upload.png.partial")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedLeft, left);
    }

    /// <summary>Every entry but real folders, never descending into a linked folder.</summary>
    private static IEnumerable<string> EntriesNotFollowingLinks(string folder)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo { LinkTarget: null } sub)
                foreach (var inner in EntriesNotFollowingLinks(sub.FullName)) yield return inner;
            else yield return entry.FullName;
        }
    }

    private static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
