using AutoRetrain.Cloud.Cycles;
using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Cloud.Registry;
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
        services.AddSingleton(sp => new IngestionFailureCounter(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(sp => new IngestionService(sp.GetRequiredService<IArtifactStore>(), sp.GetRequiredService<ITileLedger>(),
            sp.GetRequiredService<IClock>()));
        services.AddSingleton<FailedIngestionQuarantine>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<BlobIngestionHandler>();
        return services;
    }
}
