using AutoRetrain.Core.Registry;

namespace AutoRetrain.Core.Tests.Registry;

public class ModelRegistryTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static ModelVersion Model(string id, string? parent = null, params string[] classes) => new()
    {
        Id = id, ParentModelId = parent, SnapshotId = $"s-{id}", CycleId = $"c-{id}", CreatedAt = At,
        Classes = classes.Length == 0 ? ["plane", "ship"] : classes, ArtifactKey = $"models/{id}",
        Metrics = new Dictionary<string, double> { ["mAP"] = 0.5 },
    };

    private static async Task<ModelRegistry> WithModels(params ModelVersion[] models)
    {
        var registry = new ModelRegistry(new InMemoryModelRegistryStore());
        foreach (var m in models)
            await registry.RegisterAsync(m);
        return registry;
    }

    [Fact]
    public async Task RegisterAsync_UnknownParent_Throws()
    {
        var registry = await WithModels();
        var error = await Assert.ThrowsAsync<AutoRetrainException>(() => registry.RegisterAsync(Model("m2", "m1")));
        Assert.Contains("parent m1", error.Message);
    }

    [Fact]
    public async Task RegisterAsync_ReorderedClasses_ThrowsButAppendedClassAccepted()
    {
        var registry = await WithModels(Model("m1"));
        await Assert.ThrowsAsync<AutoRetrainException>(() => registry.RegisterAsync(Model("m2", "m1", "ship", "plane")));
        await registry.RegisterAsync(Model("m3", "m1", "plane", "ship", "turbine"));
        Assert.Equal(["m3", "m1"], (await registry.LineageAsync("m3")).Select(v => v.Id));
    }

    [Fact]
    public async Task RegisterAsync_SameIdTwice_Throws()
    {
        var registry = await WithModels(Model("m1"));
        await Assert.ThrowsAsync<AutoRetrainException>(() => registry.RegisterAsync(Model("m1")));
    }

    [Fact]
    public async Task PromoteAsync_WithCurrentETag_MovesChampionAndRecordsReasons()
    {
        var registry = await WithModels(Model("m1"), Model("m2", "m1"));
        var first = await registry.PromoteAsync("m1", null, ["first model"], At);
        var second = await registry.PromoteAsync("m2", first.ETag, ["mAP +0.03"], At.AddDays(1));
        Assert.Equal("m2", (await registry.GetChampionAsync()).ModelId);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(["first model"], second.History[0].Reasons);
    }

    [Fact]
    public async Task PromoteAsync_StaleETag_FailsClearlyAndLeavesChampion()
    {
        var registry = await WithModels(Model("m1"), Model("m2", "m1"), Model("m3", "m1"));
        var first = await registry.PromoteAsync("m1", null, ["first"], At);
        await registry.PromoteAsync("m2", first.ETag, ["cycle 2"], At);
        var error = await Assert.ThrowsAsync<ChampionConflictException>(() => registry.PromoteAsync("m3", first.ETag, ["cycle 3"], At));
        Assert.Contains("changed by someone else", error.Message);
        Assert.Equal("m2", (await registry.GetChampionAsync()).ModelId);
    }

    [Fact]
    public async Task PromoteAsync_TwoCyclesRaceOnSameETag_ExactlyOneWins()
    {
        var registry = await WithModels(Model("m1"), Model("a", "m1"), Model("b", "m1"));
        var etag = (await registry.PromoteAsync("m1", null, ["first"], At)).ETag;
        var results = await Task.WhenAll(new[] { "a", "b" }.Select(async id =>
        {
            try { await registry.PromoteAsync(id, etag, ["race"], At); return true; }
            catch (ChampionConflictException) { return false; }
        }));
        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task PromoteIfChampionIsAsync_ExpectedChampion_PromotesAndRetryIsANoOp()
    {
        var registry = await WithModels(Model("m1"), Model("m2", "m1"), Model("m3", "m1"));
        await registry.PromoteIfChampionIsAsync("m1", null, ["first"], At);
        var promoted = await registry.PromoteIfChampionIsAsync("m2", "m1", ["better"], At);
        var retried = await registry.PromoteIfChampionIsAsync("m2", "m1", ["better"], At);
        Assert.Equal(promoted.ETag, retried.ETag);
        Assert.Equal(2, retried.History.Count);
        await Assert.ThrowsAsync<ChampionConflictException>(() => registry.PromoteIfChampionIsAsync("m3", "m1", ["stale"], At));
    }

    [Fact]
    public async Task RollbackAsync_TwiceAfterThreePromotions_WalksBackToFirst()
    {
        var registry = await WithModels(Model("m1"), Model("m2", "m1"), Model("m3", "m2"));
        var state = await registry.PromoteAsync("m1", null, ["first"], At);
        state = await registry.PromoteAsync("m2", state.ETag, ["better"], At);
        state = await registry.PromoteAsync("m3", state.ETag, ["better"], At);
        state = await registry.RollbackAsync("bad detections in production", At);
        Assert.Equal("m2", state.ModelId);
        Assert.Equal(ChampionAction.RolledBack, state.History[^1].Action);
        Assert.Contains("rollback from m3: bad detections", state.History[^1].Reasons[0]);
        Assert.Equal("m1", (await registry.RollbackAsync("again", At)).ModelId);
        await Assert.ThrowsAsync<AutoRetrainException>(() => registry.RollbackAsync("nothing left", At));
    }

    [Fact]
    public async Task ChampionState_JsonRoundTrip_KeepsHistoryAndReign()
    {
        var registry = await WithModels(Model("m1"), Model("m2", "m1"));
        var state = await registry.PromoteAsync("m1", null, ["first"], At);
        state = await registry.PromoteAsync("m2", state.ETag, ["better"], At);
        var back = Json.Deserialize<ChampionState>(Json.Serialize(state), "champion.json");
        Assert.Equal(state.ETag, back.ETag);
        Assert.Equal(["m1", "m2"], back.Reign());
        Assert.Equal(["better"], back.History[^1].Reasons);
    }
}
