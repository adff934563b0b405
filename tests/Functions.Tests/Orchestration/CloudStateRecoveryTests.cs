using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions.Tests.Orchestration;

/// <summary>The Functions host's manager recovers from the Azure stores (Table ledger, cycle store, registry; Blob snapshots).</summary>
public sealed class CloudStateRecoveryTests
{
    [Fact]
    public async Task RecoverState_OnAzurite_TakesChampionCyclesAndUnfrozenTilesFromTheStores()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddAutoRetrainFunctions(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PipelineStorage"] = "UseDevelopmentStorage=true", ["AutoRetrain:Project"] = "rec",
                ["AutoRetrain:TablePrefix"] = Azurite.UniqueTablePrefix(),
            }).Build())
            .BuildServiceProvider();
        var ledger = provider.GetRequiredService<ITileLedger>();
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        async Task AddAsync(int i)
        {
            var tile = TestTiles.New($"t{i}.png");
            await ledger.AddTileAsync(tile);
            await ledger.SetLabelsAsync(tile.Id, $"hash{i}-{Guid.NewGuid():N}", $"labels/{i}.json", new Dictionary<string, int> { ["ship"] = 2 }, now);
        }
        for (int i = 0; i < 6; i++) await AddAsync(i);
        var (snapshot, _) = await new SnapshotService(provider.GetRequiredService<IArtifactStore>(), ledger).FreezeAsync();
        string cycleId = $"rec-cycle-0001-{Guid.NewGuid().ToString("N")[..8]}";
        await provider.GetRequiredService<ICycleStore>().UpsertAsync(new CycleRecord
        {
            Id = cycleId, Project = "rec", StartedAt = now.AddHours(-3), EndedAt = now.AddHours(-2), Status = CycleStatus.Promoted,
            SnapshotId = snapshot.Id, CandidateModelId = CycleKeys.ModelId(cycleId, "0-uniform"),
        });
        var registry = new ModelRegistry(provider.GetRequiredService<IModelRegistryStore>());
        await registry.RegisterAsync(new ModelVersion
        {
            Id = CycleKeys.ModelId(cycleId, "0-uniform"), SnapshotId = snapshot.Id, CycleId = cycleId, CreatedAt = now.AddHours(-2), Classes = ["ship"],
            ArtifactKey = CycleKeys.Model(cycleId, "0-uniform"),
        });
        await registry.PromoteAsync(CycleKeys.ModelId(cycleId, "0-uniform"), null, ["first model"], now.AddHours(-2));
        for (int i = 6; i < 10; i++) await AddAsync(i);

        var state = await provider.GetRequiredService<ICycleSteps>().RecoverStateAsync(new ManagerState { Project = "rec" }, CancellationToken.None);

        Assert.True(state.Recovered);
        Assert.Equal(1, state.CyclesStarted);
        Assert.Equal(CycleKeys.ModelId(cycleId, "0-uniform"), state.ChampionModelId);
        Assert.Equal(4, state.Pending.NewTiles);
        Assert.Equal(8, state.Pending.NewObjectsPerClass["ship"]);
        Assert.Equal(cycleId, Assert.Single(state.RecentCycles).CycleId);
        Assert.Null(state.ResumeCycle);
    }
}
