using AutoRetrain.Imagery.Rasters;
using Azure.Storage.Blobs;
using AutoRetrain.Cloud.Cycles;
using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Cloud.Registry;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Functions.Ingestion;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;
using AutoRetrain.Orchestration.Hosting;
using AutoRetrain.Orchestration.Recovery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoRetrain.Functions.Tests;

/// <summary>
/// The pipeline wired as the app wires it: the trigger function, against Azurite (fresh tables, a private folder of the shared
/// containers) and the real orchestrations in the in-process Durable Task host.
/// </summary>
public sealed class PipelineTestHost : IAsyncDisposable
{
    public string Project { get; } = "e2e" + Guid.NewGuid().ToString("N")[..8];
    public string Folder { get; } = $"e2e-{Guid.NewGuid():N}";
    public PipelineStorageConnection Storage { get; } = Azurite.Connect();
    public BlobArtifactStore Store { get; }
    public TableTileLedger Ledger { get; }
    public TableCycleStore Cycles { get; }
    public TableModelRegistryStore Registry { get; }
    public IngestIncomingBlobFunction Function { get; private set; } = null!;
    public SidecarDurableHost Durable { get; private set; } = null!;
    public CycleManagerClient Manager { get; private set; } = null!;
    public PipelineMetrics Metrics { get; } = new();

    private PipelineTestHost()
    {
        Store = new BlobArtifactStore(Storage.Blobs);
        Ledger = new TableTileLedger(Storage.Tables, TablePrefix);
        Cycles = new TableCycleStore(Storage.Tables, TablePrefix);
        Registry = new TableModelRegistryStore(Storage.Tables, TablePrefix);
    }

    private string TablePrefix { get; } = Azurite.UniqueTablePrefix();

    /// <summary>The outbox the trigger writes owed signals to.</summary>
    public DeliveryOutbox Outbox => new(Storage.Tables, TablePrefix);

    /// <summary>The repair timer's work over this pipeline, reading the given poison queue.</summary>
    public IngestionRepair Repair(Azure.Storage.Queues.QueueClient poisonQueue, int maxSignalAttempts = 5, TimeSpan? outboxGrace = null) =>
        new(Outbox, poisonQueue, Storage.Blobs, new FailedIngestionQuarantine(Store, Ledger, SystemClock.Instance),
            new PipelineOptions
            {
                Project = Project, Manager = FastManager, MaxSignalAttempts = maxSignalAttempts, OutboxGrace = outboxGrace ?? TimeSpan.Zero,
            },
            SystemClock.Instance, NullLogger<IngestionRepair>.Instance);

    public PipelineOptions Options => new() { Project = Project, Manager = FastManager };

    /// <summary>Arrivals decided on within a moment, so the tests see the decision.</summary>
    public static ManagerConfig FastManager => new() { DecisionDebounce = TimeSpan.FromMilliseconds(200) };

    /// <param name="ledgerFor">Lets a test put a fault in front of the real ledger.</param>
    public static async Task<PipelineTestHost> StartAsync(int maxAttempts = 5, Func<ITileLedger, ITileLedger>? ledgerFor = null,
        string closedClasses = "")
    {
        var host = new PipelineTestHost();
        var ledger = ledgerFor?.Invoke(host.Ledger) ?? host.Ledger;
        var options = new PipelineOptions
        {
            Project = host.Project, MaxIngestAttempts = maxAttempts, ClosedClasses = closedClasses, Manager = FastManager,
        };
        var handler = new BlobIngestionHandler(
            new IngestionService(host.Store, ledger, ImageInspector.Instance, options: options.ToIngestionOptions()),
            new IngestionFailureCounter(host.Storage.Tables, host.TablePrefix),
            new DeliveryOutbox(host.Storage.Tables, host.TablePrefix),
            new FailedIngestionQuarantine(host.Store, host.Ledger, SystemClock.Instance),
            options, host.Metrics, NullLogger<BlobIngestionHandler>.Instance);
        host.Function = new IngestIncomingBlobFunction(handler);
        // The manager rebuilds its state from this pipeline's stores when it starts, as in the app.
        var recovery = new ManagerStateRecovery(host.Store, host.Ledger, host.Cycles, host.Registry);
        host.Durable = await SidecarDurableHost.StartInMemoryAsync(r => r.AddAutoRetrain(),
            services => services.AddSingleton<ICycleSteps>(new WaitingSteps(recovery)),
            LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)));
        host.Manager = new CycleManagerClient(host.Durable.Client);
        return host;
    }

    /// <summary>Uploads a file to <c>incoming</c>, as a user or Event Grid's source would.</summary>
    public async Task<BlobClient> UploadAsync(string name, byte[] content)
    {
        var container = Storage.Blobs.GetBlobContainerClient(Containers.Incoming);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient($"{Folder}/{name}");
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return blob;
    }

    /// <summary>A client of a Durable host that is gone: every call fails, as when the manager cannot be reached.</summary>
    public static async Task<DurableTaskClient> UnreachableClientAsync()
    {
        var unreachable = await SidecarDurableHost.StartInMemoryAsync(registry: null);
        var client = unreachable.Client;
        await unreachable.DisposeAsync();
        return client;
    }

    /// <summary>Invokes the function with the blob, as the Functions host does when the BlobCreated event arrives.</summary>
    public Task DeliverAsync(BlobClient blob) => Function.IngestIncomingBlob(blob, Durable.Client, CancellationToken.None);

    public async Task<ManagerStatus> WaitForManagerAsync(Func<ManagerStatus, bool> condition)
    {
        ManagerStatus? last = null;
        for (var until = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < until; await Task.Delay(50))
        {
            last = await Manager.GetStatusAsync(Project);
            if (last is not null && condition(last)) return last;
        }
        throw new TimeoutException($"the cycle manager never reached the expected state; last status: {AutoRetrain.Core.Json.Serialize(last)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Durable.DisposeAsync();
        Metrics.Dispose();
    }

    /// <summary>A policy that always waits: these tests look at the signals, not at training.</summary>
    private sealed class WaitingSteps(ManagerStateRecovery recovery) : ICycleSteps
    {
        public Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct) => recovery.RecoverAsync(seed, ct);

        public Task<RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct) =>
            Task.FromResult(new RetrainDecision(false, ["waiting for more data"], []));

        public Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct) => throw Unused();
        public Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct) => throw Unused();
        public Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct) => throw Unused();
        public Task CancelTrainingAsync(string jobId, CancellationToken ct) => throw Unused();
        public Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct) => throw Unused();
        public Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct) => throw Unused();
        public Task<string> PromoteAsync(PromoteInput input, CancellationToken ct) => throw Unused();
        public Task RecordAsync(RecordInput input, CancellationToken ct) => throw Unused();

        private static NotSupportedException Unused() => new("the ingestion tests never start a cycle.");
    }
}
