using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using AutoRetrain.Functions.Http;
using AutoRetrain.Orchestration.Api;
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
    public void AddAutoRetrainFunctions_CycleSettings_AreBoundIntoTheCycleStepsTheActivitiesUse()
    {
        using var provider = Build(new()
        {
            ["PipelineStorage"] = "UseDevelopmentStorage=true",
            ["AutoRetrain:Cycle:Policy:MinInitialLabelledTiles"] = "7",
            ["AutoRetrain:Cycle:Candidates"] = "2",
            ["AutoRetrain:Cycle:Strategies:0"] = "uniform",
            ["AutoRetrain:Cycle:Strategies:1"] = "active-bias",
            ["AutoRetrain:Cycle:Training:Architecture"] = "centernet-small",
            ["AutoRetrain:Manager:DecisionDebounce"] = "00:05:00",
            ["AutoRetrain:Manager:DecisionBatchTiles"] = "250",
        });

        var options = provider.GetRequiredService<CycleStepsOptions>();

        Assert.Equal(7, options.Policy.MinInitialLabelledTiles);
        Assert.Equal(2, options.Candidates);
        Assert.Equal(["uniform", "active-bias"], options.Strategies);
        Assert.Equal("centernet-small", options.Training.Architecture);
        Assert.IsType<CycleSteps>(provider.GetRequiredService<ICycleSteps>());
        var manager = provider.GetRequiredService<PipelineOptions>().InitialManagerState();
        Assert.Equal(TimeSpan.FromMinutes(5), manager.Config.DecisionDebounce);
        Assert.Equal(250, manager.Config.DecisionBatchTiles);
        Assert.False(manager.Recovered);
        Assert.IsType<DetectorPredictor>(provider.GetRequiredService<IModelPredictor>());
    }

    [Fact]
    public async Task RegisteredCycleSteps_OnAzurite_DecideTheFirstTrainingWithItsReason()
    {
        string prefix = Azurite.UniqueTablePrefix();
        using var provider = Build(new()
        {
            ["PipelineStorage"] = "UseDevelopmentStorage=true", ["AutoRetrain:Project"] = "p2", ["AutoRetrain:TablePrefix"] = prefix,
            ["AutoRetrain:Cycle:Policy:MinInitialLabelledTiles"] = "3",
        });
        var ledger = provider.GetRequiredService<ITileLedger>();
        var steps = provider.GetRequiredService<ICycleSteps>();
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

        var first = await steps.DecideAsync(new DecideInput(new ManagerState { Project = "p2" }, now), CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            var tile = TestTiles.New($"t{i}.png");
            await ledger.AddTileAsync(tile);
            await ledger.SetLabelsAsync(tile.Id, $"hash{i}", $"labels/{i}.json", new Dictionary<string, int> { ["ship"] = 2 }, now);
        }
        var second = await steps.DecideAsync(new DecideInput(new ManagerState { Project = "p2" }, now), CancellationToken.None);

        Assert.False(first.Retrain);
        Assert.True(second.Retrain);
        Assert.Contains(second.Reasons, r => r.Contains("3 labelled tiles", StringComparison.Ordinal));
        Assert.NotEmpty(second.Candidates);
    }

    [Fact]
    public void AddAutoRetrainFunctions_TablePrefixWithAHyphen_IsRefusedNamingTheSetting()
    {
        using var provider = Build(new() { ["PipelineStorage"] = "UseDevelopmentStorage=true", ["AutoRetrain:TablePrefix"] = "auto-retrain" });
        var ex = Assert.Throws<AutoRetrainException>(() => provider.GetRequiredService<PipelineOptions>());
        Assert.Contains("AutoRetrain__TablePrefix", ex.Message);
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
