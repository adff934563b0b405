using System.CommandLine;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Local;
using AutoRetrain.Local.Watching;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Watch()
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "Folder to watch; defaults to the workspace's incoming/ folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var workdir = CommonOptions.Workdir();
        var once = new Option<bool>("--once") { Description = "Ingest what is there now, then exit." };
        var classes = new Option<string[]>("--classes")
        {
            Description = "Close the class set: labels naming any other class are quarantined.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("watch", "Ingest images and label sidecars as they land in a folder (the local blob trigger).")
        {
            folder, workdir, once, classes,
        };
        command.SetAction(async (parse, ct) =>
        {
            var workspace = new LocalWorkspace(parse.GetValue(workdir)!);
            var closed = parse.GetValue(classes) is { Length: > 0 } names ? names.ToHashSet() : null;
            var watcher = new FolderWatcher(parse.GetValue(folder) ?? workspace.IncomingFolder,
                workspace.CreateIngestion(new IngestionOptions { ClosedClassSet = closed }));
            AnsiConsole.MarkupLineInterpolated($"Watching [bold]{watcher.Folder}[/] → store [bold]{workspace.Root}[/]");
            if (parse.GetValue(once))
                await ScanWithProgressAsync(watcher, ct);
            else
                while (!ct.IsCancellationRequested)
                {
                    await ScanWithProgressAsync(watcher, ct);
                    try { await Task.Delay(watcher.PollInterval, ct); } catch (OperationCanceledException) { break; }
                }
            var counts = await workspace.Ledger.GetCountsAsync(CancellationToken.None);
            AnsiConsole.MarkupLineInterpolated(
                $"tiles {counts.Tiles}, labelled {counts.Labelled}, labels pending {counts.PendingLabels}, quarantined {counts.Quarantined}");
            return 0;
        });
        return command;
    }

    /// <summary>One scan, with a progress bar when there is more than a handful of files.</summary>
    private static async Task ScanWithProgressAsync(FolderWatcher watcher, CancellationToken ct)
    {
        IReadOnlyList<IngestOutcome> outcomes = [];
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("ingesting", autoStart: true, maxValue: 1);
            outcomes = await watcher.ScanOnceAsync(new Progress<IngestProgress>(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Done;
            }), ct);
        });
        foreach (var bad in outcomes.Where(o => o.Kind == IngestKind.Quarantined))
            AnsiConsole.MarkupLineInterpolated($"[yellow]quarantined[/] {bad.SourceName}: {string.Join("; ", bad.Problems!)}");
        if (outcomes.Count > 0)
            AnsiConsole.MarkupLineInterpolated(
                $"ingested {outcomes.Count} files: {string.Join(", ", outcomes.GroupBy(o => o.Kind).Select(g => $"{g.Key} {g.Count()}"))}");
    }
}
