using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Functions.Http;
using AutoRetrain.Functions.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions.Tests;

public sealed class ServiceRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging()
            .AddAutoRetrainFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    [Fact]
    public void AddAutoRetrainFunctions_Azurite_ResolvesEveryFunctionClassAndPort()
    {
        using var provider = Build(new() { ["PipelineStorage"] = "UseDevelopmentStorage=true", ["AutoRetrain:Project"] = "p1" });

        foreach (var type in new[]
                 {
                     typeof(IngestIncomingBlobFunction), typeof(StatusFunction), typeof(CyclesFunctions), typeof(ModelsFunction),
                     typeof(ControlFunctions), typeof(QuarantineFunction), typeof(TilesToLabelFunction),
                 })
            Assert.NotNull(ActivatorUtilities.CreateInstance(provider, type));
        Assert.NotNull(provider.GetRequiredService<ITrainingBackend>());
        Assert.NotNull(provider.GetRequiredService<IExperimentTracker>());
        Assert.Equal("p1", provider.GetRequiredService<PipelineOptions>().Project);
    }

    [Fact]
    public void AddAutoRetrainFunctions_AzureSettings_TakeTheJobsDataEndpointFromThePipelineStorage()
    {
        using var provider = Build(new()
        {
            ["PipelineStorage:blobServiceUri"] = "https://stpipe.blob.core.windows.net/",
            ["PipelineStorage:tableServiceUri"] = "https://stpipe.table.core.windows.net/",
            ["PipelineStorage:credential"] = "managedidentity",
            ["PipelineStorage:clientId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureMachineLearning:WorkspaceName"] = "mlw-x",
        });

        var options = provider.GetRequiredService<AzureMachineLearningOptions>();

        Assert.Equal("https://stpipe.blob.core.windows.net/", options.DataBlobServiceUri);
        Assert.Equal("mlw-x", options.WorkspaceName);
        Assert.Equal(new Uri("https://stpipe.blob.core.windows.net/"), provider.GetRequiredService<Cloud.Storage.PipelineStorageConnection>().Blobs.Uri);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://st.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=abc")]
    public void AddAutoRetrainFunctions_KeyOrSasConnectionString_IsRefusedNamingTheIdentitySettings(string connectionString)
    {
        using var provider = Build(new() { ["PipelineStorage"] = connectionString });

        var ex = Assert.Throws<AutoRetrainException>(() => provider.GetRequiredService<IArtifactStore>());

        Assert.Contains("PipelineStorage__blobServiceUri", ex.Message);
        Assert.DoesNotContain("c2VjcmV0", ex.Message);
    }

    [Fact]
    public void AddAutoRetrainFunctions_InvalidProjectName_IsRefused()
    {
        using var provider = Build(new() { ["PipelineStorage"] = "UseDevelopmentStorage=true", ["AutoRetrain:Project"] = "a/b" });
        var ex = Assert.Throws<AutoRetrainException>(() => provider.GetRequiredService<PipelineOptions>());
        Assert.Contains("AutoRetrain__Project", ex.Message);
    }
}
