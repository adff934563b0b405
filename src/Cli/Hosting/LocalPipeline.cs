using AutoRetrain.Core.Ports;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Local;
using AutoRetrain.Local.Reporting;
using AutoRetrain.Local.Tracking;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Arrival;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Hosting;
using AutoRetrain.Orchestration.Steps;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// Where the local pipeline keeps its orchestrations: in memory (the embedded default; the stores are the truth and the
/// manager's state is rebuilt from them at each start), or on the Azure Storage Durable backend (Azurite or an
/// account: orchestrations survive the process, a restarted service carries on where it stopped).
/// </summary>
public sealed record DurableBackendChoice(string? AzureStorageConnection = null)
{
    public static DurableBackendChoice InMemory { get; } = new();
    public bool IsAzureStorage => AzureStorageConnection is not null;

    /// <summary>One task hub per project, so that several projects can share an account.</summary>
    public static string TaskHubFor(string project) => AzureStorageBackendOptions.TaskHubFor("autoretrain" + project);
}

/// <summary>
/// The local pipeline: the shared orchestrations, in the in-process Durable Task host (default) or on the Azure Storage
/// Durable backend, over the local adapters (SQLite ledger and stores, folder store, the trainer as a child process,
/// MLflow file store, the detector in-process for scoring, the HTML report).
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    public required LocalWorkspace Workspace { get; init; }
    public required string Project { get; init; }
    public required LocalProcessTrainingBackend Backend { get; init; }
    public required ReportWriter Report { get; init; }
    public required DetectorPredictor Predictor { get; init; }
    public required CycleManagerClient Manager { get; init; }

    /// <summary>Where arrived files are reported to the manager (the shared arrival path; starts the manager when it is not running).</summary>
    public required ArrivalNotifier Arrivals { get; init; }
    private IAsyncDisposable Host { get; init; } = null!;
    private DurableTaskClient Client { get; init; } = null!;
    private bool Durable { get; init; }

    public static async Task<LocalPipeline> StartAsync(LocalWorkspace workspace, string project, CycleStepsOptions options,
        ManagerConfig managerConfig, TrainerSettings? trainer = null, LogLevel logLevel = LogLevel.Warning,
        DurableBackendChoice? durable = null)
    {
        durable ??= DurableBackendChoice.InMemory;
        trainer ??= new TrainerSettings();
        string device = trainer.Device;
        var backend = new LocalProcessTrainingBackend(workspace, TrainerLauncher.Self(), trainer);
        // The folder store's models folder is its own artefact cache: the predictor finds the files already there.
        var predictor = new DetectorPredictor(workspace.Store, Path.Combine(workspace.Store.Root, Containers.Models), device);
        var report = new ReportWriter(workspace, project, predictor);
        var tracker = new MlflowFileStoreTracker(workspace.MlrunsFolder);
        // The cycle's MLflow run opens when its training starts and follows each epoch.
        backend.EventReceived += new LiveRunTracking(tracker, options.Experiment, candidatePrefix: options.Candidates > 1).OnTrainerEvent;
        var steps = new CycleSteps(workspace.Store, workspace.Ledger, workspace.Cycles, backend, predictor,
            tracker, workspace.Registry, workspace.SampleLedger, options, report);
        // The in-process sidecar logs every gRPC call at Information.
        var logs = LoggerFactory.Create(b => b.SetMinimumLevel(logLevel)
            .AddFilter("Microsoft.DurableTask", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("DurableTask", LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true));
        void WorkerServices(IServiceCollection services)
        {
            services.AddSingleton<ICycleSteps>(steps);
            // The in-process sidecar sends no health pings, so the worker took any 2 minutes without a work item
            // (one long activity on a loaded machine) for a dead stream and reconnected ("Channel to backend has stopped
            // receiving traffic"). The sidecar is in this process: there is no network to lose, so the check is off.
            services.ConfigureAll<GrpcDurableTaskWorkerOptions>(o => o.SetSilentDisconnectTimeout(TimeSpan.Zero));
        }
        // The same Durable node either way: the gRPC sidecar over the chosen backend, with the standard worker and client.
        var host = durable.AzureStorageConnection is { } connection
            ? await SidecarDurableHost.StartAzureStorageAsync(
                new AzureStorageBackendOptions { ConnectionString = connection, TaskHub = DurableBackendChoice.TaskHubFor(project) },
                r => r.AddAutoRetrain(), WorkerServices, logs)
            : await SidecarDurableHost.StartInMemoryAsync(r => r.AddAutoRetrain(), WorkerServices, logs);
        var client = host.Client;
        var manager = new CycleManagerClient(client);
        // On the durable backend a manager already in the task hub carries on with its own state, and a new one rebuilds
        // it from the stores itself (its first activity); in memory nothing survives, so the state is rebuilt here.
        var arrivals = new ArrivalNotifier(manager, project, async _ => durable.IsAzureStorage
            ? new ManagerState { Project = project, Config = managerConfig }
            : await RecoverStateAsync(workspace, project, managerConfig));
        await arrivals.EnsureManagerAsync();
        return new LocalPipeline
        {
            Workspace = workspace, Project = project, Backend = backend, Report = report, Predictor = predictor,
            Manager = manager, Arrivals = arrivals, Host = host, Client = client, Durable = durable.IsAzureStorage,
        };
    }

    /// <summary>
    /// The in-process host keeps orchestration state in memory only; the store is the source of truth. The shared
    /// recovery (src/Orchestration, also run by the manager of the Functions host) rebuilds the manager's state from it.
    /// </summary>
    public static Task<ManagerState> RecoverStateAsync(LocalWorkspace workspace, string project, ManagerConfig config) =>
        new Orchestration.Recovery.ManagerStateRecovery(workspace.Store, workspace.Ledger, workspace.Cycles, workspace.Registry)
            .RecoverAsync(new ManagerState { Project = project, Config = config });

    /// <summary>
    /// First the trainer: its process tree is killed and its job recorded as interrupted, while the cycle stays
    /// unfinished (Training) so that the next start runs it again under its own id. Then, in memory, an idle manager is
    /// stopped (it completes its orchestration cleanly; one in a cycle is abandoned with the process), then the host. On the
    /// durable backend the manager stays in the task hub (a cycle in flight included) and the next start carries on with it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        if (!Durable)
        {
            try
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                if (await Manager.GetStatusAsync(Project, wait.Token) is not { RunningCycle: not null })
                {
                    await Manager.SignalAsync(Project, new ManagerSignal(SignalKind.Stop), wait.Token);
                    await Client.WaitForInstanceCompletionAsync(CycleManagerOrchestrator.InstanceIdFor(Project), wait.Token);
                }
            }
            catch (OperationCanceledException) { /* a manager that does not stop in time is abandoned with the process */ }
        }
        await Host.DisposeAsync();
        Predictor.Dispose();
    }
}
