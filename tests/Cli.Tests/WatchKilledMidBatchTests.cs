using System.Diagnostics;
using System.Security.Cryptography;
using AutoRetrain.Local;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// Hostile input and a crash together, as a user meets them: a watched folder with sub-folders holds good tiles mixed
/// with hostile entries (a FIFO, links to a sentinel folder and file outside, a dangling link, bytes that are no image,
/// a sidecar with <c>"objects": null</c>); <c>watch --once --ingest-only</c> is killed with SIGKILL in the middle of the
/// batch, then run again. Every good tile is in the ledger exactly once and labelled, every hostile entry has exactly
/// one record, and the sentinel behind the links is unchanged byte for byte.
/// </summary>
public class WatchKilledMidBatchTests
{
    [Fact]
    public async Task WatchIngestOnly_SigkillMidBatchThenRestart_EveryGoodTileOnceEveryHostileEntryOneRecordSentinelUntouched()
    {
        const int tiles = 240;
        string root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
        string workdir = Path.Combine(root, "work"), incoming = Path.Combine(workdir, "incoming"), sentinel = Path.Combine(root, "sentinel");
        await CliProcess.RunOkAsync("generate", "--seed", "21", "--tiles", tiles.ToString(), "--size", "64", "--out", incoming);
        // Spread the stream over sub-folders, as uploads by day arrive.
        var generated = Directory.GetFiles(incoming).Order(StringComparer.Ordinal).ToList();
        foreach (var file in generated)
        {
            string stem = Path.GetFileName(file).Split('.')[0];
            string day = Path.Combine(incoming, $"day-{int.Parse(stem.Split('-')[1]) % 3}");
            Directory.CreateDirectory(day);
            File.Move(file, Path.Combine(day, Path.GetFileName(file)));
        }

        Directory.CreateDirectory(Path.Combine(sentinel, "deep"));
        await File.WriteAllBytesAsync(Path.Combine(sentinel, "s1.png"), File.ReadAllBytes(Directory.GetFiles(Path.Combine(incoming, "day-0"), "*.png")[0]));
        await File.WriteAllTextAsync(Path.Combine(sentinel, "deep", "s2.labels.json"), "{\"image\": \"s2.png\", \"objects\": []}");
        string sentinelBefore = Snapshot(sentinel);

        var hostile = new[]
        {
            "day-0/pipe.png", "day-1/folder-link", "day-2/file-link.png", "day-0/dangling.png", "day-1/not-an-image.png", "day-2/null.labels.json",
        };
        Mkfifo(Path.Combine(incoming, hostile[0]));
        File.CreateSymbolicLink(Path.Combine(incoming, hostile[1]), sentinel);
        File.CreateSymbolicLink(Path.Combine(incoming, hostile[2]), Path.Combine(sentinel, "s1.png"));
        File.CreateSymbolicLink(Path.Combine(incoming, hostile[3]), Path.Combine(root, "gone.png"));
        await File.WriteAllTextAsync(Path.Combine(incoming, hostile[4]), "these bytes are no image");
        await File.WriteAllTextAsync(Path.Combine(incoming, hostile[5]), "{\"image\": \"null.png\", \"objects\": null}");

        // First run, killed with SIGKILL once part of the batch has left the folder.
        int before = RegularFiles(incoming);
        int left;
        await using (var first = CliProcess.Start("watch", "--once", "--ingest-only", "--workdir", workdir))
        {
            var until = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < until && !first.Process.HasExited && RegularFiles(incoming) > before * 3 / 4) await Task.Delay(10);
            Assert.False(first.Process.HasExited, "the first run ended before it could be killed mid-batch");
            first.Process.Kill(entireProcessTree: true); // SIGKILL
            await first.Process.WaitForExitAsync();
            left = RegularFiles(incoming);
        }
        Assert.InRange(left, 1, before - 1);

        // Second run: the rest of the batch, and whatever the kill interrupted.
        await CliProcess.RunOkAsync("watch", "--once", "--ingest-only", "--workdir", workdir);

        var workspace = new LocalWorkspace(workdir);
        var counts = await workspace.Ledger.GetCountsAsync();
        Assert.Equal((tiles, tiles, 0), (counts.Tiles, counts.Labelled, counts.PendingLabels));
        var records = await workspace.Ledger.ListQuarantineAsync();
        Assert.Equal(hostile.Order(StringComparer.Ordinal), records.Select(r => r.SourceName).Order(StringComparer.Ordinal));
        Assert.Equal(sentinelBefore, Snapshot(sentinel));
        // Only the entries that may not be read stay in the folder: the FIFO and the links.
        var remaining = Entries(incoming).Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .Select(p => Path.GetRelativePath(incoming, p)).Order(StringComparer.Ordinal);
        Assert.Equal(hostile.Take(4).Order(StringComparer.Ordinal), remaining);
    }

    /// <summary>Every entry under a folder, never descending into a linked folder.</summary>
    private static IEnumerable<string> Entries(string folder)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            yield return entry.FullName;
            if (entry is DirectoryInfo { LinkTarget: null } sub)
                foreach (var inner in Entries(sub.FullName)) yield return inner;
        }
    }

    /// <summary>Files still waiting in the folder, not counting the FIFO and the links (which always stay).</summary>
    private static int RegularFiles(string folder) =>
        Entries(folder).Count(p => !Directory.Exists(p) && new FileInfo(p).LinkTarget is null && Path.GetFileName(p) != "pipe.png");

    private static void Mkfifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]))!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>Every file under a folder (not following links) with its SHA-256, one line each.</summary>
    private static string Snapshot(string folder) => string.Join('\n',
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));
}
