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
using AutoRetrain.Functions.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions;

/// <summary>Everything the function app registers: options, the Azure adapters behind the ports, ingestion, telemetry.</summary>
public static class ServiceRegistration
{
    /// <summary>Name of the identity-based connection (app settings <c>PipelineStorage__*</c>) to the pipeline's account.</summary>
    public const string PipelineStorage = "PipelineStorage";

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
        services.AddSingleton<ITileLedger>(sp => new TableTileLedger(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<ICycleStore>(sp => new TableCycleStore(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<IModelRegistryStore>(sp => new TableModelRegistryStore(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<ISampleLedgerStore>(sp => new TableSampleLedgerStore(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton(sp => new IngestionFailureCounter(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton(sp => new DeliveryOutbox(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(sp => new IngestionService(sp.GetRequiredService<IArtifactStore>(), sp.GetRequiredService<ITileLedger>(),
            sp.GetRequiredService<IClock>(), sp.GetRequiredService<PipelineOptions>().ToIngestionOptions()));
        services.AddSingleton<FailedIngestionQuarantine>();
        services.AddSingleton(_ => MachineLearningOptionsFrom(configuration));
        services.AddSingleton(_ => new AzureRestClient(new HttpClient { Timeout = TimeSpan.FromMinutes(2) }, ServiceCredential(configuration)));
        services.AddSingleton<ITrainingBackend, AzureMlTrainingBackend>();
        services.AddSingleton<IExperimentTracker, MlflowRestTracker>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<BlobIngestionHandler>();
        // ICycleSteps (the activities' work) is registered by the host that provides it; see docs/functions.md.
        return services;
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
