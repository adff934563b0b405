using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Local.Watching;

/// <summary>Progress of one scan: how many of the files found so far are done, and the last outcome.</summary>
public sealed record IngestProgress(int Done, int Total, IngestOutcome Last);

/// <summary>
/// Ingests whatever lands in a folder: the local counterpart of the blob trigger. Polls rather than trusting
/// file-system events (which drop under load and fire before a copy finishes); a file is taken once it has not
/// changed for <see cref="SettleTime"/>. A file is deleted from the folder only after the ingestion service
/// has stored it (as a tile, labels or in quarantine), so a crash in between means a harmless redelivery.
/// </summary>
public sealed class FolderWatcher(string folder, IngestionService ingestion)
{
    public string Folder { get; } = Path.GetFullPath(folder);
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Raised for every ingested file, in the order they were processed.</summary>
    public event Action<IngestOutcome>? Ingested;

    /// <summary>Ingests every settled file once. Images go first so that their labels rarely wait.</summary>
    public async Task<IReadOnlyList<IngestOutcome>> ScanOnceAsync(IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder);
        var cutoff = DateTime.UtcNow - SettleTime;
        var files = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => File.GetLastWriteTimeUtc(f) <= cutoff)
            .OrderBy(f => LabelFile.IsSidecarName(f) ? 1 : 0)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
        var outcomes = new List<IngestOutcome>(files.Count);
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            string relative = Path.GetRelativePath(Folder, file).Replace(Path.DirectorySeparatorChar, '/');
            byte[] content;
            try { content = await File.ReadAllBytesAsync(file, ct); }
            catch (IOException) { continue; } // still being written or removed by someone else: next scan
            var outcome = await ingestion.IngestAsync(relative, content, ct);
            File.Delete(file);
            outcomes.Add(outcome);
            Ingested?.Invoke(outcome);
            progress?.Report(new IngestProgress(outcomes.Count, files.Count, outcome));
        }
        RemoveEmptyFolders();
        return outcomes;
    }

    /// <summary>Scans until cancelled.</summary>
    public async Task RunAsync(IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        while (!ct.IsCancellationRequested)
        {
            await ScanOnceAsync(progress, ct);
            try { await Task.Delay(PollInterval, ct); }
            catch (OperationCanceledException) { break; }
        }
    }

    private void RemoveEmptyFolders()
    {
        foreach (var dir in Directory.EnumerateDirectories(Folder, "*", SearchOption.AllDirectories)
                     .OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
                try { Directory.Delete(dir); } catch (IOException) { /* something arrived meanwhile */ }
        }
    }
}
