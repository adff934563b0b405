using System.CommandLine;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;
using AutoRetrain.Local.Watching;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
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
        var once = new Option<bool>("--once") { Description = "Ingest what is there now (and run the cycle it triggers), then exit." };
        var ingestOnly = new Option<bool>("--ingest-only") { Description = "Only ingest; do not run the cycle manager." };
        var project = new Option<string>("--project") { Description = "Project name of the cycle manager.", DefaultValueFactory = _ => "default" };
        var durable = new Option<string>("--durable")
        {
            Description = "Where orchestrations live: memory (embedded; state rebuilt from the store at each start) or azure-storage " +
                          "(the Durable Functions backend: Azurite or an account; a restarted watch carries on the same manager and cycle).",
            DefaultValueFactory = _ => "memory",
        };
        durable.AcceptOnlyFromAmong("memory", "azure-storage");
        var connection = new Option<string?>("--connection")
        {
            Description = "Storage connection string for --durable azure-storage (\"UseDevelopmentStorage=true\" for Azurite).",
        };
        var training = new TrainingOptions();
        var classes = new Option<string[]>("--classes")
        {
            Description = "Close the class set: labels naming any other class are quarantined.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("watch",
            "Ingest images and label sidecars as they land in a folder (the local blob trigger) and feed the cycle manager, which decides when to retrain. " +
            "Ingested files move out of the watched folder into the workspace's store (tiles, labels, or quarantine with a reason); " +
            "links, FIFOs, devices and unreadable files are never read and stay where they are, with a quarantine record. " +
            "The folder must not be, contain or lie inside the workspace's store (its incoming/ folder is the default).")
        {
            folder, workdir, once, ingestOnly, project, classes, durable, connection,
        };
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var backend = parse.GetValue(durable) == "azure-storage"
                ? new DurableBackendChoice(parse.GetValue(connection)
                    ?? throw new AutoRetrainException("--durable azure-storage needs --connection (\"UseDevelopmentStorage=true\" for Azurite)."))
                : DurableBackendChoice.InMemory;
            var workspace = WorkspaceGuard.OpenExisting(parse.GetValue(workdir)!, requireLedger: false);
            var closed = parse.GetValue(classes) is { Length: > 0 } names ? names.ToHashSet() : null;
            string watched = parse.GetValue(folder) ?? workspace.IncomingFolder;
            if (!Directory.Exists(watched))
                throw new AutoRetrainException($"the folder to watch, {StoreKeys.Printable(Path.GetFullPath(watched))}, does not exist: create it or check the path.");
            FolderWatcher.EnsureOutsideStore(watched, workspace.Root, workspace.IncomingFolder);
            var watcher = new FolderWatcher(watched, workspace.CreateIngestion(new IngestionOptions { ClosedClassSet = closed }));
            string name = parse.GetValue(project)!;
            var (options, trainer) = training.Load(parse, workspace.Root, DefaultsFor(name)).Bind(); // refused before any work
            AnsiConsole.MarkupLineInterpolated($"Watching [bold]{watcher.Folder}[/] → store [bold]{workspace.Root}[/]");
            LocalPipeline? pipeline = parse.GetValue(ingestOnly) ? null
                : await LocalPipeline.StartAsync(workspace, name, options,
                    new ManagerConfig { PollInterval = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(5) }, trainer,
                    durable: backend);
            int decisionsBefore = (await workspace.Cycles.ListDecisionsAsync(name, ct)).Count, sent = 0;
            // The same view as the demo: each decision with its reasons, training progress with ETA, promote or reject.
            var view = new ConsoleDemoView();
            var report = new CycleReporter(workspace, name, view, decisionsBefore,
                (await workspace.Cycles.ListAsync(name, ct)).Where(c => c.IsFinished).Select(c => c.Id));
            if (pipeline is not null) pipeline.Backend.EventReceived += view.TrainerEvent;
            try
            {
                do
                {
                    var outcomes = await ScanWithProgressAsync(watcher, ct);
                    if (pipeline is not null && await pipeline.Arrivals.NotifyAsync(outcomes, ct) is { } tiles)
                    {
                        sent++;
                        AnsiConsole.MarkupLineInterpolated($"cycle manager told: {tiles.NewTiles} newly labelled tiles");
                    }
                    if (pipeline is not null) await report.PrintNewAsync(ct);
                    if (parse.GetValue(once) && watcher.Unsettled == 0) break; // once: still wait for files being written
                    try { await Task.Delay(watcher.PollInterval, ct); } catch (OperationCanceledException) { break; }
                }
                while (!ct.IsCancellationRequested);
                if (pipeline is not null && parse.GetValue(once)) await WaitUntilIdleAsync(pipeline, name, decisionsBefore + sent, report, ct);
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or Grpc.Core.RpcException)
            {
                // Stopped by SIGTERM or Ctrl-C: a service asked to stop ends normally, its trainer stopped by the finally.
            }
            finally
            {
                if (pipeline is not null) await pipeline.DisposeAsync();
            }
            var counts = await workspace.Ledger.GetCountsAsync(CancellationToken.None);
            AnsiConsole.MarkupLineInterpolated(
                $"tiles {counts.Tiles}, labelled {counts.Labelled}, labels pending {counts.PendingLabels}, quarantined {counts.Quarantined}");
            return 0;
        });
        return command;
    }

    /// <summary><c>watch</c>'s settings before configuration: one MLflow experiment per project, training on the CPU.</summary>
    internal static Configuration.LocalSettings DefaultsFor(string project) =>
        new(new CycleStepsOptions { Experiment = project }, new Local.Training.TrainerSettings());

    /// <summary>
    /// Waits until the manager has decided on every signal sent, runs no cycle (a resumed one included),
    /// and every cycle in the store is finished.
    /// </summary>
    private static async Task WaitUntilIdleAsync(LocalPipeline pipeline, string project, int decisionsExpected, CycleReporter report, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await report.PrintNewAsync(ct);
            var status = await pipeline.Manager.GetStatusAsync(project, ct);
            var decisions = await pipeline.Workspace.Cycles.ListDecisionsAsync(project, ct);
            var cycles = await pipeline.Workspace.Cycles.ListAsync(project, ct);
            if (status is { RunningCycle: null } && decisions.Count >= decisionsExpected && cycles.All(c => c.IsFinished)
                && await AllTrackedAsync(pipeline, cycles, ct))
            {
                await report.PrintNewAsync(ct);
                return;
            }
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Every cycle's orchestration has finished: its last activity saves the record, then its MLflow run.</summary>
    private static async Task<bool> AllTrackedAsync(LocalPipeline pipeline, IReadOnlyList<Core.Cycles.CycleRecord> cycles, CancellationToken ct)
    {
        foreach (var c in cycles)
            if (await pipeline.Manager.IsCycleRunningAsync(c.Id, ct)) return false;
        return true;
    }

    /// <summary>Prints the decisions and finished cycles that appeared in the workspace since the last call.</summary>
    private sealed class CycleReporter(LocalWorkspace workspace, string project, ConsoleDemoView view, int decisionsSeen, IEnumerable<string> finished)
    {
        private readonly HashSet<string> _finished = [.. finished];
        private int _decisionsSeen = decisionsSeen;

        public async Task PrintNewAsync(CancellationToken ct)
        {
            var decisions = await workspace.Cycles.ListDecisionsAsync(project, ct);
            foreach (var decision in decisions.Skip(_decisionsSeen)) view.Decided(decision);
            _decisionsSeen = Math.Max(_decisionsSeen, decisions.Count);
            foreach (var cycle in await workspace.Cycles.ListAsync(project, ct))
                if (cycle.IsFinished && _finished.Add(cycle.Id))
                    ConsoleDemoView.Finished(cycle.Id, cycle.Status.ToString(),
                        cycle.Status == Core.Cycles.CycleStatus.Failed ? [cycle.FailureCause ?? ""] : cycle.DecisionReasons);
        }
    }

    /// <summary>One scan, with a progress bar when there is more than a handful of files.</summary>
    private static async Task<IReadOnlyList<IngestOutcome>> ScanWithProgressAsync(FolderWatcher watcher, CancellationToken ct)
    {
        IReadOnlyList<IngestOutcome> outcomes = [];
        // Spectre.Console draws one live display at a time: while a training's bar is up, the scan goes without one.
        if (ConsoleDemoView.Showing) outcomes = await watcher.ScanOnceAsync(ct: ct);
        else await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("ingesting", autoStart: true, maxValue: 1);
            outcomes = await watcher.ScanOnceAsync(new Progress<IngestProgress>(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Done;
            }), ct);
        });
        foreach (var bad in outcomes.Where(o => o.Kind == IngestKind.Quarantined))
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]{(bad.RecordOnly ? "refused, left in place" : "quarantined")}[/] {StoreKeys.Printable(bad.SourceName)}: {StoreKeys.Printable(string.Join("; ", bad.Problems!))}");
        if (outcomes.Count > 0)
            AnsiConsole.MarkupLineInterpolated(
                $"ingested {outcomes.Count} files: {string.Join(", ", outcomes.GroupBy(o => o.Kind).Select(g => $"{g.Key} {g.Count()}"))}");
        return outcomes;
    }
}
