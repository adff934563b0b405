using AutoRetrain.Core.Ports;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Local;
using AutoRetrain.Local.Reporting;
using AutoRetrain.Local.Tracking;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// The local embedded default: the shared orchestrations in the in-process Durable Task host, over the local
/// adapters (SQLite ledger and stores, folder store, the trainer as a child process, MLflow file store, the
/// detector in-process for scoring, the HTML report).
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    public required LocalWorkspace Workspace { get; init; }
    public required string Project { get; init; }
    public required LocalProcessTrainingBackend Backend { get; init; }
    public required ReportWriter Report { get; init; }
    public required DetectorPredictor Predictor { get; init; }
    public required CycleManagerClient Manager { get; init; }
    private DurableTaskTestHost Host { get; init; } = null!;

    public static async Task<LocalPipeline> StartAsync(LocalWorkspace workspace, string project, CycleStepsOptions options,
        ManagerConfig managerConfig, TrainerSettings? trainer = null, LogLevel logLevel = LogLevel.Warning)
    {
        trainer ??= new TrainerSettings();
        string device = trainer.Device;
        var backend = new LocalProcessTrainingBackend(workspace, TrainerLauncher.Self(), trainer);
        // The folder store's models folder is its own artefact cache: the predictor finds the files already there.
        var predictor = new DetectorPredictor(workspace.Store, Path.Combine(workspace.Store.Root, Containers.Models), device);
        var report = new ReportWriter(workspace, project);
        var tracker = new MlflowFileStoreTracker(workspace.MlrunsFolder);
        // The cycle's MLflow run opens when its training starts and follows each epoch.
        backend.EventReceived += new LiveRunTracking(tracker, options.Experiment, candidatePrefix: options.Candidates > 1).OnTrainerEvent;
        var steps = new CycleSteps(workspace.Store, workspace.Ledger, workspace.Cycles, backend, predictor,
            tracker, workspace.Registry, workspace.SampleLedger, options, report);
        // The in-process sidecar is an ASP.NET host with its own configuration: quiet its per-request logging.
        if (Environment.GetEnvironmentVariable("Logging__LogLevel__Default") is null)
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", logLevel.ToString());
        var host = await DurableTaskTestHost.StartAsync(r => r.AddAutoRetrain(), new DurableTaskTestHostOptions
        {
            ConfigureServices = services => services.AddSingleton<ICycleSteps>(steps),
            // The in-process sidecar logs every gRPC call at Information.
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(logLevel)
                .AddFilter("Microsoft.DurableTask", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true)),
        });
        var manager = new CycleManagerClient(host.Client);
        await manager.EnsureStartedAsync(await RecoverStateAsync(workspace, project, managerConfig));
        return new LocalPipeline
        {
            Workspace = workspace, Project = project, Backend = backend, Report = report, Predictor = predictor,
            Manager = manager, Host = host,
        };
    }

    /// <summary>
    /// The in-process host keeps orchestration state in memory only; the store is the source of truth. A restarted
    /// manager takes its champion and cycle count from the registry and the cycle store, counts as pending the
    /// labelled tiles that no cycle has frozen yet, and runs again an interrupted cycle under its own id.
    /// </summary>
    public static async Task<ManagerState> RecoverStateAsync(LocalWorkspace workspace, string project, ManagerConfig config)
    {
        var champion = await workspace.Registry.GetChampionAsync();
        var cycles = await workspace.Cycles.ListAsync(project);
        var tiles = await workspace.Ledger.ListTilesAsync();
        var frozen = new HashSet<string>();
        foreach (var c in cycles.Where(c => c.SnapshotId is not null))
            if (await workspace.Store.ExistsAsync(Core.Ports.Containers.Datasets, Core.Ports.StoreKeys.Snapshot(c.SnapshotId!)))
                foreach (var e in (await new Core.Snapshots.SnapshotService(workspace.Store, workspace.Ledger)
                             .LoadAsync(Core.Ports.StoreKeys.Snapshot(c.SnapshotId!))).Entries)
                    frozen.Add(e.TileId);
        var pending = new PendingCounts();
        var unseen = tiles.Where(t => t.LabelState == Core.Tiles.LabelState.Labelled && !frozen.Contains(t.Id.Value)).ToList();
        if (unseen.Count > 0)
        {
            var perClass = new Dictionary<string, int>();
            foreach (var t in unseen)
                foreach (var (cls, n) in t.ClassCounts) perClass[cls] = perClass.GetValueOrDefault(cls) + n;
            pending = pending.Add(new TilesRegistered("recovered", unseen.Count,
                unseen.Count(t => t.Split == Core.Snapshots.Split.Train), unseen.Count(t => t.Split == Core.Snapshots.Split.Validation), 0, perClass));
        }
        CycleRequest? resume = null;
        if (cycles.LastOrDefault(c => !c.IsFinished) is { } interrupted
            && await workspace.Store.GetAsync(Core.Ports.Containers.Runs, CycleSteps.RequestKey(interrupted.Id)) is { } request)
            resume = Core.Json.Deserialize<CycleRequest>(System.Text.Encoding.UTF8.GetString(request), interrupted.Id) with { Config = config };
        return new ManagerState
        {
            Project = project,
            Config = config,
            ChampionModelId = champion.ModelId,
            CyclesStarted = cycles.Count,
            LastCycleAt = cycles.Count > 0 ? cycles[^1].StartedAt : null,
            Pending = pending,
            ResumeCycle = resume,
        };
    }

    /// <summary>Stops the manager (it completes its orchestration cleanly), then the host.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Manager.SignalAsync(Project, new ManagerSignal(SignalKind.Stop));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.Client.WaitForInstanceCompletionAsync(CycleManagerOrchestrator.InstanceIdFor(Project), wait.Token);
        }
        catch (OperationCanceledException) { /* a manager busy in a cycle is abandoned with the process */ }
        await Host.DisposeAsync();
        Predictor.Dispose();
    }
}
