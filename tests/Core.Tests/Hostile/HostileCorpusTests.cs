using System.Security.Cryptography;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tests.Ingestion;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Local.Watching;

namespace AutoRetrain.Core.Tests.Hostile;

/// <summary>
/// Every case of <see cref="HostileCorpus"/> against the real <see cref="FolderWatcher"/>, folder store and SQLite ledger:
/// each alone, and all at once in one folder (one bad file never stops a batch). Each scan is time-bounded, so a FIFO
/// or a device that blocked the watcher fails the test instead of hanging it.
/// </summary>
public class HostileCorpusTests
{
    private static readonly TimeSpan ScanLimit = TimeSpan.FromSeconds(60);

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < HostileCorpus.All.Count; i++) data.Add(i, HostileCorpus.All[i].Name);
        return data;
    }

    [Fact]
    public void Corpus_HasAtLeast100Cases() => Assert.True(HostileCorpus.All.Count >= 100, $"{HostileCorpus.All.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scan_HostileCase_ExpectedOutcomeNothingOutsideTouched(int index, string name)
    {
        Assert.Equal(name, HostileCorpus.All[index].Name);
        await RunAsync([HostileCorpus.All[index]]);
    }

    [Fact]
    public async Task Scan_WholeCorpusInOneFolder_EveryCaseAsExpected() => await RunAsync(HostileCorpus.All);

    private static async Task RunAsync(IReadOnlyList<HostileCase> cases)
    {
        using var f = new IngestionFixture(new IngestionOptions
        {
            Limits = ImageLimits.Default with { MaxBytes = HostileCorpus.ImageByteLimit },
            MaxSidecarBytes = HostileCorpus.SidecarLimit,
        });
        string incoming = Path.Combine(f.Root, "incoming"), outside = Path.Combine(f.Root, "outside");
        Directory.CreateDirectory(incoming);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "sentinel.txt"), "must stay");
        var folders = cases.Select((c, i) => (Case: c, Prefix: $"case-{i:D3}/")).ToList();
        foreach (var (c, prefix) in folders)
        {
            string caseOutside = Path.Combine(outside, prefix);
            Directory.CreateDirectory(caseOutside);
            c.Create(new CaseFolders(Path.Combine(incoming, prefix), caseOutside));
        }
        var outsideBefore = Snapshot(outside);
        var log = new StringWriter();
        var watcher = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero, Log = log };

        var outcomes = await Task.Run(() => watcher.ScanOnceAsync()).WaitAsync(ScanLimit);

        Assert.True(watcher.Failures == 0, log.ToString());
        var bySource = outcomes.GroupBy(o => o.SourceName).ToDictionary(g => g.Key, g => g.ToList());
        var ledger = (await f.Ledger.ListQuarantineAsync()).ToDictionary(e => e.Key);
        int recorded = 0;
        foreach (var (c, prefix) in folders)
        foreach (var e in c.Expectations)
        {
            string source = prefix + e.Relative, where = $"case \"{c.Name}\", {StoreKeys.Printable(e.Relative)}";
            bySource.TryGetValue(source, out var mine);
            bool present = EntryExists(Path.Combine(incoming, prefix), e.Relative);
            switch (e.Expect)
            {
                case Expect.Ingested:
                    Assert.True(mine is { Count: 1 } && mine[0].Kind != IngestKind.Quarantined, $"{where}: expected ingested, got {Describe(mine)}");
                    Assert.False(present, $"{where}: an ingested file must leave the folder");
                    break;
                case Expect.Quarantined or Expect.QuarantinedLeftInPlace or Expect.RecordOnly:
                    Assert.True(mine is { Count: 1 } && mine[0].Kind == IngestKind.Quarantined && mine[0].Problems![0].Code == e.Code,
                        $"{where}: expected {e.Expect} {e.Code}, got {Describe(mine)}");
                    var outcome = mine![0];
                    Assert.True(ledger.ContainsKey(outcome.QuarantineKey!), $"{where}: no ledger record");
                    Assert.True(await f.Store.ExistsAsync(Containers.Quarantine, outcome.QuarantineKey + QuarantineReason.Suffix), $"{where}: no reason file");
                    Assert.Equal(e.Expect == Expect.RecordOnly, outcome.RecordOnly);
                    Assert.Equal(e.Expect != Expect.RecordOnly, await f.Store.ExistsAsync(Containers.Quarantine, outcome.QuarantineKey!));
                    Assert.True(present == (e.Expect != Expect.Quarantined), $"{where}: {(present ? "still" : "no longer")} in the folder");
                    recorded++;
                    break;
                case Expect.Ignored:
                    Assert.True(mine is null, $"{where}: expected ignored, got {Describe(mine)}");
                    Assert.True(present, $"{where}: an ignored file must stay");
                    break;
            }
        }
        // Every record is one of the expected ones: the console (outcomes) and the ledger agree, nothing extra.
        Assert.Equal(recorded, ledger.Count);
        Assert.Equal(recorded, outcomes.Count(o => o.Kind == IngestKind.Quarantined));
        Assert.Equal(outsideBefore, Snapshot(outside));

        // A second scan records nothing again and takes nothing new.
        var again = await Task.Run(() => watcher.ScanOnceAsync()).WaitAsync(ScanLimit);
        Assert.True(again.Count == 0, string.Join("\n", again));
        Assert.Equal(recorded, (await f.Ledger.GetCountsAsync()).Quarantined);
        // So does a fresh watcher (a new `watch --once` process).
        var fresh = new FolderWatcher(incoming, f.Service) { SettleTime = TimeSpan.Zero, Log = log };
        var third = await Task.Run(() => fresh.ScanOnceAsync()).WaitAsync(ScanLimit);
        Assert.True(third.Count == 0, string.Join("\n", third));
        Assert.Equal(recorded, (await f.Ledger.GetCountsAsync()).Quarantined);
        Assert.Equal(outsideBefore, Snapshot(outside));
        Assert.True(watcher.Failures + fresh.Failures == 0, log.ToString());
    }

    private static string Describe(List<IngestOutcome>? outcomes) => outcomes is null ? "nothing" : string.Join(" | ", outcomes);

    /// <summary>Whether the entry is still there, by listing (a name that is not valid UTF-8 cannot be probed by its string).</summary>
    internal static bool EntryExists(string folder, string relative)
    {
        string path = Path.Combine(folder, relative);
        string? dir = Path.GetDirectoryName(path);
        if (dir is null || !Directory.Exists(dir)) return false;
        string name = Path.GetFileName(path);
        return Directory.EnumerateFileSystemEntries(dir).Any(p => Path.GetFileName(p) == name);
    }

    /// <summary>Every file under <paramref name="folder"/> (links not followed) with the SHA-256 of its bytes.</summary>
    internal static string Snapshot(string folder) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is { LinkTarget: null, Attributes: var a } && !a.HasFlag(FileAttributes.Directory)
                ? $"{p} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}"
                : $"{p} {(Directory.Exists(p) ? "dir" : "link")}"));
}
