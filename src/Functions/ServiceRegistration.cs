using AutoRetrain.Imagery.Rasters;
using Azure.Core;
using Azure.Identity;
using AutoRetrain.Cloud.Cycles;
using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Cloud.Registry;
using AutoRetrain.Cloud.SampleLedger;
using AutoRetrain.Cloud.Tracking;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Steps;
using AutoRetrain.Functions.Ingestion;
using Azure.Storage.Queues;
using AutoRetrain.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions;

/// <summary>Everything the function app registers: options, the Azure adapters behind the ports, ingestion, telemetry.</summary>
public static class ServiceRegistration
{
    /// <summary>Name of the identity-based connection (app settings <c>PipelineStorage__*</c>) to the pipeline's account.</summary>
    public const string PipelineStorage = "PipelineStorage";

    /// <summary>Configuration section of the cycle steps' options.</summary>
    public const string CycleSection = "AutoRetrain:Cycle";

    public static IServiceCollection AddAutoRetrainFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ =>
        {
            var options = configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
            options.Validate();
            return options;
        });
        services.AddSingleton(_ => PipelineStorageConnection.FromConfiguration(configuration, PipelineStorage));
        services.AddSingleton<IArtifactStore>(sp => new BlobArtifactStore(sp.GetRequiredService<PipelineStorageConnection>().Blobs));
        services.AddSingleton<ITileLedger>(sp => new TableTileLedger(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton<ICycleStore>(sp => new TableCycleStore(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton<IModelRegistryStore>(sp => new TableModelRegistryStore(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton<ISampleLedgerStore>(sp => new TableSampleLedgerStore(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton(sp => new IngestionFailureCounter(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton(sp => new DeliveryOutbox(sp.GetRequiredService<PipelineStorageConnection>().Tables, Prefix(sp)));
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(sp => new IngestionService(sp.GetRequiredService<IArtifactStore>(), sp.GetRequiredService<ITileLedger>(),
            ImageInspector.Instance, sp.GetRequiredService<IClock>(), sp.GetRequiredService<PipelineOptions>().ToIngestionOptions()));
        services.AddSingleton<FailedIngestionQuarantine>();
        services.AddSingleton(_ => MachineLearningOptionsFrom(configuration));
        services.AddSingleton(_ => new AzureRestClient(new HttpClient { Timeout = TimeSpan.FromMinutes(2) }, ServiceCredential(configuration)));
        services.AddSingleton<ITrainingBackend, AzureMlTrainingBackend>();
        services.AddSingleton<IExperimentTracker, MlflowRestTracker>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<BlobIngestionHandler>();
        services.AddSingleton(sp => new IngestionRepair(sp.GetRequiredService<DeliveryOutbox>(), PoisonQueueFrom(configuration),
            sp.GetRequiredService<PipelineStorageConnection>().Blobs, sp.GetRequiredService<FailedIngestionQuarantine>(),
            sp.GetRequiredService<PipelineOptions>(), sp.GetRequiredService<IClock>(), sp.GetRequiredService<ILogger<IngestionRepair>>()));
        // Scoring (validation, the paired bootstrap, tiles to label) runs the detector in this process on CPU: a
        // validation split of a few hundred tiles takes seconds with the small architectures, so no extra Azure ML job.
        services.AddSingleton<IModelPredictor>(sp => new DetectorPredictor(sp.GetRequiredService<IArtifactStore>(),
            Path.Combine(Path.GetTempPath(), "autoretrain", "models"), sp.GetRequiredService<PipelineOptions>().ScoringDevice));
        services.AddSingleton(_ => CycleStepsOptionsFrom(configuration));
        services.AddSingleton<ICycleSteps>(sp => new CycleSteps(sp.GetRequiredService<IArtifactStore>(), sp.GetRequiredService<ITileLedger>(),
            sp.GetRequiredService<ICycleStore>(), sp.GetRequiredService<ITrainingBackend>(), sp.GetRequiredService<IModelPredictor>(),
            sp.GetRequiredService<IExperimentTracker>(), sp.GetRequiredService<IModelRegistryStore>(),
            sp.GetRequiredService<ISampleLedgerStore>(), sp.GetRequiredService<CycleStepsOptions>()));
        return services;
    }

    /// <summary>
    /// The blob trigger's poison queue, where the blob extension writes it: in the triggering blob's account when the
    /// connection names a queue endpoint (<c>PipelineStorage__queueServiceUri</c>), else in the host's account
    /// (<c>AzureWebJobsStorage__queueServiceUri</c>, or its connection string locally).
    /// </summary>
    public static QueueClient PoisonQueueFrom(IConfiguration configuration)
    {
        var pipeline = configuration.GetSection(PipelineStorage);
        if (string.Equals(pipeline.Value?.Trim(), PipelineStorageConnection.DevelopmentStorage, StringComparison.OrdinalIgnoreCase))
            return new QueueClient(PipelineStorageConnection.DevelopmentStorage, IngestionRepair.PoisonQueueName);
        foreach (var section in new[] { pipeline, configuration.GetSection("AzureWebJobsStorage") })
        {
            if (Uri.TryCreate(section["queueServiceUri"], UriKind.Absolute, out var uri))
                return new QueueServiceClient(uri, PipelineStorageConnection.CredentialFor(section)).GetQueueClient(IngestionRepair.PoisonQueueName);
        }
        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } hostConnection)
            return new QueueClient(hostConnection, IngestionRepair.PoisonQueueName);
        throw new AutoRetrainException($"setting {PipelineStorage}__queueServiceUri or AzureWebJobsStorage__queueServiceUri is missing: " +
                                       "the ingestion repair timer reads the blob trigger's poison queue there.");
    }

    private static string Prefix(IServiceProvider services) => services.GetRequiredService<PipelineOptions>().TablePrefix;

    /// <summary>
    /// Section <c>AutoRetrain:Cycle</c> (app settings <c>AutoRetrain__Cycle__Policy__MinNewTiles</c>, ...): the retrain
    /// policy, the promotion gate, the training configuration and the candidates, as <see cref="CycleStepsOptions"/>.
    /// </summary>
    public static CycleStepsOptions CycleStepsOptionsFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection(CycleSection);
        var options = section.Get<CycleStepsOptions>() ?? new CycleStepsOptions();
        // The binder appends configured list items to the default list; a configured list replaces it.
        if (section.GetSection(nameof(CycleStepsOptions.Strategies)).Get<string[]>() is { Length: > 0 } strategies)
            options = options with { Strategies = strategies };
        return options;
    }

    /// <summary>
    /// Section <c>AzureMachineLearning</c>; the data the jobs read and write is the pipeline account, so its blob
    /// endpoint defaults to <c>PipelineStorage__blobServiceUri</c>. Validated when a job is submitted, so an app
    /// without Azure ML settings still ingests and serves the API.
    /// </summary>
    public static AzureMachineLearningOptions MachineLearningOptionsFrom(IConfiguration configuration)
    {
        var options = configuration.GetSection(AzureMachineLearningOptions.Section).Get<AzureMachineLearningOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.DataBlobServiceUri))
            options.DataBlobServiceUri = configuration[$"{PipelineStorage}:blobServiceUri"] ?? "";
        return options;
    }

    /// <summary>The app's own identity for Azure Resource Manager: the user-assigned identity named by <c>AZURE_CLIENT_ID</c>.</summary>
    public static TokenCredential ServiceCredential(IConfiguration configuration) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"] });
}
