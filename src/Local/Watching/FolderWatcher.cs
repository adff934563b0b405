using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using Microsoft.Win32.SafeHandles;

namespace AutoRetrain.Local.Watching;

/// <summary>Progress of one scan: how many of the files found so far are done, and the last outcome.</summary>
public sealed record IngestProgress(int Done, int Total, IngestOutcome Last);

/// <summary>
/// Ingests whatever lands in a folder: the local counterpart of the blob trigger. Polls rather than trusting
/// file-system events (which drop under load and fire before a copy finishes).
/// <list type="bullet">
/// <item>Only regular files inside the folder are read. Symbolic links (to files or folders, dangling or not) are never
/// followed; FIFOs, sockets, devices, unreadable files and names that are not valid UTF-8 are never opened. Each gets a
/// quarantine record (once, not on every scan) and stays where it is.</item>
/// <item>A file is taken once its size and modification time have been stable for <see cref="SettleTime"/>, which
/// restarts on every change; <c>*.partial</c> and <c>*.tmp</c> are ignored until renamed.</item>
/// <item>A file is deleted only after the ingestion service has stored it (as a tile, labels or in quarantine), so a
/// crash in between means a harmless redelivery; an empty or truncated image is recorded but left in place, and
/// examined again when it changes (an upload that paused).</item>
/// <item>One bad file never stops a scan: an unexpected exception is caught at the file, logged with its stack,
/// counted in <see cref="Failures"/> and recorded.</item>
/// </list>
/// </summary>
public sealed class FolderWatcher(string folder, IngestionService ingestion)
{
    /// <summary>Suffixes of uploads in progress: ignored until the writer renames the file.</summary>
    public static readonly IReadOnlyList<string> InProgressSuffixes = [".partial", ".tmp"];

    private readonly Dictionary<string, Observation> _observed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Observation> _leftInPlace = new(StringComparer.Ordinal);
    private int _failures;

    public string Folder { get; } = Path.GetFullPath(folder);
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where unexpected per-file failures are logged, with their stack.</summary>
    public TextWriter Log { get; init; } = Console.Error;

    /// <summary>Unexpected per-file failures since this watcher was created (each also logged and recorded).</summary>
    public int Failures => _failures;

    /// <summary>Regular files the last scan saw but left because they had not settled yet (a one-shot run waits for them).</summary>
    public int Unsettled { get; private set; }

    /// <summary>Raised for every ingested file, in the order they were processed.</summary>
    public event Action<IngestOutcome>? Ingested;

    /// <summary>
    /// Ingests every settled file once and records every refused entry not recorded before. Images go first so that
    /// their labels rarely wait. Returns what this scan did that is new (a refusal already recorded is not repeated).
    /// </summary>
    public async Task<IReadOnlyList<IngestOutcome>> ScanOnceAsync(IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        if (!Directory.Exists(Folder))
            throw new AutoRetrainException($"the watched folder {StoreKeys.Printable(Folder)} does not exist: create it, or check the path.");
        var scan = Survey(DateTime.UtcNow);
        Unsettled = scan.Unsettled;
        var work = scan.Refused.Select(r => (Func<Task<IngestOutcome?>>)(() => RecordAsync(r, ct)))
            .Concat(scan.Files.OrderBy(f => LabelFile.IsSidecarName(f.Relative) ? 1 : 0).ThenBy(f => f.Relative, StringComparer.Ordinal)
                .Select(f => (Func<Task<IngestOutcome?>>)(() => TakeAsync(f, ct))))
            .ToList();
        var outcomes = new List<IngestOutcome>(work.Count);
        int done = 0;
        foreach (var step in work)
        {
            ct.ThrowIfCancellationRequested();
            var outcome = await step();
            done++;
            if (outcome is null) continue;
            outcomes.Add(outcome);
            Ingested?.Invoke(outcome);
            progress?.Report(new IngestProgress(done, work.Count, outcome));
        }
        RemoveEmptyFolders(scan.Folders);
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

    /// <summary>
    /// Refuses a watched folder that would let the watcher eat the workspace: the workspace itself, a folder holding it,
    /// or a folder inside it other than its incoming folder (the store's tiles, quarantine and models would be
    /// ingested and deleted). Links are resolved first, so an alias of the workspace is refused too.
    /// </summary>
    public static void EnsureOutsideStore(string watchedFolder, string workspaceRoot, string incomingFolder)
    {
        string watched = FileProbe.RealPath(watchedFolder), root = FileProbe.RealPath(workspaceRoot);
        string incoming = FileProbe.RealPath(incomingFolder);
        if (IsSameOrInside(root, watched))
            throw new AutoRetrainException(
                $"refusing to watch {StoreKeys.Printable(watched)}: it {(watched == root ? "is" : "contains")} the workspace {StoreKeys.Printable(root)} " +
                "(its ledger, tiles and models would be ingested and deleted). Watch its incoming folder or a folder outside it.");
        if (IsSameOrInside(watched, root) && !IsSameOrInside(watched, incoming))
            throw new AutoRetrainException(
                $"refusing to watch {StoreKeys.Printable(watched)}: it lies inside the workspace {StoreKeys.Printable(root)}, whose files the " +
                $"store owns. Watch {StoreKeys.Printable(incoming)} or a folder outside the workspace.");
    }

    private static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private readonly record struct Observation(long Size, DateTime LastWriteUtc, DateTime StableSince);

    private sealed record Candidate(string Path, string Relative, FileFacts Facts);

    private sealed record Refusal(string Relative, LabelProblem Problem, string Identity, long Size);

    private sealed record ScanPlan(List<Candidate> Files, List<Refusal> Refused, List<string> Folders)
    {
        public int Unsettled { get; set; }
    }

    /// <summary>Walks the folder without following a link or opening a file: what may be read, what is refused.</summary>
    private ScanPlan Survey(DateTime now)
    {
        var result = new ScanPlan([], [], []);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Folder]);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            List<string> entries;
            try { entries = Directory.EnumerateFileSystemEntries(dir).ToList(); }
            catch (UnauthorizedAccessException)
            {
                result.Refused.Add(new(Relative(dir), new(ProblemCode.Unreadable, "the folder may not be listed; its files are not read."), "folder", 0));
                continue;
            }
            catch (IOException) { continue; } // removed meanwhile (another watcher emptied it)
            foreach (string path in entries)
            {
                string relative = Relative(path);
                if (InProgressSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase))) continue;
                var facts = FileProbe.Of(path);
                if (facts is null)
                {
                    // A name .NET could not decode comes back with U+FFFD and cannot be opened under it.
                    if (relative.Contains('\uFFFD'))
                        result.Refused.Add(new(relative, new(ProblemCode.UnsafeName, "the name is not valid UTF-8; the file is not read. Rename it."),
                            "invalid-utf8", 0));
                    continue; // otherwise gone meanwhile
                }
                switch (facts.Kind)
                {
                    case FileKind.Directory:
                        result.Folders.Add(path);
                        pending.Push(path);
                        break;
                    case FileKind.Regular:
                        present.Add(path);
                        Classify(path, relative, facts, now, result);
                        break;
                    case FileKind.SymbolicLink:
                        string target = LinkTargetOf(path);
                        result.Refused.Add(new(relative, new(ProblemCode.NotARegularFile,
                            $"a symbolic link (to \"{StoreKeys.Printable(target)}\"): links are never followed; copy the file itself in."),
                            $"link\n{target}", 0));
                        break;
                    default:
                        result.Refused.Add(new(relative, new(ProblemCode.NotARegularFile,
                            $"a {Describe(facts.Kind)}, not a regular file: it is never opened."), facts.Kind.ToString(), 0));
                        break;
                }
            }
        }
        foreach (var gone in _observed.Keys.Where(k => !present.Contains(k)).ToList()) _observed.Remove(gone);
        foreach (var gone in _leftInPlace.Keys.Where(k => !present.Contains(k)).ToList()) _leftInPlace.Remove(gone);
        return result;
    }

    private void Classify(string path, string relative, FileFacts facts, DateTime now, ScanPlan result)
    {
        if ((facts.Mode & (UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0)
        {
            // Root could read it anyway; a file nobody may read is taken as not meant to be read yet.
            result.Refused.Add(new(relative, new(ProblemCode.Unreadable,
                $"no read permission (mode {Convert.ToString((int)facts.Mode, 8).PadLeft(3, '0')}); it is not read."),
                $"mode\n{(int)facts.Mode}", facts.Size));
            return;
        }
        if (!Settled(path, facts, now))
        {
            result.Unsettled++;
            return;
        }
        if (_leftInPlace.TryGetValue(path, out var left) && left.Size == facts.Size && left.LastWriteUtc == facts.LastWriteUtc) return;
        if (ingestion.TooLarge(relative, facts.Size) is { } tooLarge)
        {
            result.Refused.Add(new(relative, tooLarge with { Message = tooLarge.Message + " It is not read." },
                $"size\n{facts.Size}\n{facts.LastWriteUtc:O}", facts.Size));
            return;
        }
        result.Files.Add(new(path, relative, facts));
    }

    /// <summary>True once size and modification time have not changed for the settle time; any change restarts it.</summary>
    private bool Settled(string path, FileFacts facts, DateTime now)
    {
        if (!_observed.TryGetValue(path, out var seen) || seen.Size != facts.Size || seen.LastWriteUtc != facts.LastWriteUtc)
        {
            // First sight: the last change we know of is the modification time; a change seen later restarts the clock now.
            var since = _observed.ContainsKey(path) ? now : (facts.LastWriteUtc < now ? facts.LastWriteUtc : now);
            _observed[path] = seen = new Observation(facts.Size, facts.LastWriteUtc, since);
        }
        return now - seen.StableSince >= SettleTime;
    }

    private async Task<IngestOutcome?> RecordAsync(Refusal refusal, CancellationToken ct)
    {
        try
        {
            var outcome = await ingestion.RecordRefusedAsync(refusal.Relative, refusal.Problem, refusal.Identity, refusal.Size, ct);
            return outcome.AlreadyRecorded ? null : outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            Log.WriteLine($"watcher: could not record {StoreKeys.Printable(refusal.Relative)} ({refusal.Problem.Code}):{Environment.NewLine}{ex}");
            return null;
        }
    }

    private async Task<IngestOutcome?> TakeAsync(Candidate file, CancellationToken ct)
    {
        try
        {
            byte[]? content;
            try { content = Read(file); }
            catch (UnauthorizedAccessException ex)
            {
                return await RecordAsync(new(file.Relative, new(ProblemCode.Unreadable, $"the file may not be read ({ex.Message})."),
                    $"denied\n{file.Facts.Size}\n{file.Facts.LastWriteUtc:O}", file.Facts.Size), ct);
            }
            catch (IOException) { return null; } // gone, replaced or changing: the next scan looks again
            if (content is null) return null;

            var outcome = await ingestion.IngestAsync(file.Relative, content, ct);
            if (outcome is { Kind: IngestKind.Quarantined, Problems: [{ Code: ProblemCode.TruncatedImage or ProblemCode.EmptyFile }, ..] })
            {
                // Maybe an upload that paused: keep the file, look again when it changes.
                _leftInPlace[file.Path] = new Observation(file.Facts.Size, file.Facts.LastWriteUtc, default);
                return outcome.AlreadyRecorded ? null : outcome;
            }
            _leftInPlace.Remove(file.Path);
            try { FileProbe.DeleteBeneath(Folder, file.Relative); }
            catch (DirectoryNotFoundException) { } // another watcher took it and removed its folder
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            Log.WriteLine($"watcher: unexpected failure on {StoreKeys.Printable(file.Relative)}; recorded and left in place:{Environment.NewLine}{ex}");
            return await RecordAsync(new(file.Relative, new(ProblemCode.ProcessingFailed, $"{ex.GetType().Name}: {ex.Message}"),
                $"{ex.GetType()}\n{file.Facts.Size}\n{file.Facts.LastWriteUtc:O}", file.Facts.Size), ct);
        }
    }

    /// <summary>The file's bytes, read through a handle that is checked to be a regular file; null when it changed since the survey.</summary>
    private byte[]? Read(Candidate file)
    {
        using SafeFileHandle handle = FileProbe.OpenRegularBeneath(Folder, file.Relative);
        long length = RandomAccess.GetLength(handle);
        if (length != file.Facts.Size)
        {
            _observed.Remove(file.Path); // still being written: settle again
            return null;
        }
        var content = new byte[length];
        int read = 0;
        while (read < content.Length)
        {
            int n = RandomAccess.Read(handle, content.AsSpan(read), read);
            if (n == 0) { _observed.Remove(file.Path); return null; } // shrank meanwhile
            read += n;
        }
        return content;
    }

    private void RemoveEmptyFolders(IEnumerable<string> folders)
    {
        foreach (var dir in folders.OrderByDescending(d => d.Count(c => c == Path.DirectorySeparatorChar)))
        {
            try
            {
                if (FileProbe.Of(dir)?.Kind == FileKind.Directory && !Directory.EnumerateFileSystemEntries(dir).Any())
                    Directory.Delete(dir);
            }
            catch (IOException) { /* removed by a concurrent watcher, or something arrived meanwhile */ }
            catch (UnauthorizedAccessException) { /* not ours to remove */ }
        }
    }

    private string Relative(string path) => Path.GetRelativePath(Folder, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string LinkTargetOf(string path)
    {
        try { return new FileInfo(path).LinkTarget ?? "?"; }
        catch (IOException) { return "?"; }
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "FIFO (named pipe)",
        FileKind.Socket => "socket",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        _ => "special file",
    };
}
