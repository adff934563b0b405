using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions;

/// <summary>Everything the function app registers: options, the Azure adapters behind the ports, telemetry.</summary>
public static class ServiceRegistration
{
    /// <summary>Name of the identity-based connection (app settings <c>PipelineStorage__*</c>) to the pipeline's account.</summary>
    public const string PipelineStorage = "PipelineStorage";

    public static IServiceCollection AddAutoRetrainFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => PipelineStorageConnection.FromConfiguration(configuration, PipelineStorage));
        services.AddSingleton<IArtifactStore>(sp => new BlobArtifactStore(sp.GetRequiredService<PipelineStorageConnection>().Blobs));
        services.AddSingleton<ITileLedger>(sp => new TableTileLedger(sp.GetRequiredService<PipelineStorageConnection>().Tables));
        services.AddSingleton<IClock>(SystemClock.Instance);
        return services;
    }
}
