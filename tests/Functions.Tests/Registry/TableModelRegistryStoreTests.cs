using AutoRetrain.Cloud.Registry;
using AutoRetrain.Core.Registry;

namespace AutoRetrain.Functions.Tests.Registry;

public sealed class TableModelRegistryStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);
    private readonly TableModelRegistryStore _store = new(Azurite.Connect().Tables, Azurite.UniqueTablePrefix());

    private static ModelVersion Version(string id, int minute) => new()
    {
        Id = id, SnapshotId = "s1", CycleId = "c1", CreatedAt = At.AddMinutes(minute), Classes = ["ship", "plane"],
        ArtifactKey = id, Metrics = new Dictionary<string, double> { ["mAP50"] = 0.5 + minute / 100.0 },
    };

    private static ChampionState Champion(string id) =>
        new() { ModelId = id, History = [new ChampionEvent(id, ChampionAction.Promoted, At, ["better"])] };

    [Fact]
    public async Task TryAddVersionAsync_SameIdTwice_SecondIsRefusedAndTheFirstKept()
    {
        Assert.True(await _store.TryAddVersionAsync(Version("m-1", 1)));
        Assert.False(await _store.TryAddVersionAsync(Version("m-1", 9)));

        var stored = await _store.GetVersionAsync("m-1");
        Assert.Equal(At.AddMinutes(1), stored!.CreatedAt);
        Assert.Equal(["ship", "plane"], stored.Classes);
        Assert.Null(await _store.GetVersionAsync("m-404"));
    }

    [Fact]
    public async Task ListVersionsAsync_ReturnsOldestFirst()
    {
        await _store.TryAddVersionAsync(Version("m-b", 5));
        await _store.TryAddVersionAsync(Version("m-a", 2));
        Assert.Equal(["m-a", "m-b"], (await _store.ListVersionsAsync()).Select(v => v.Id));
    }

    [Fact]
    public async Task TrySetChampionAsync_WithStaleOrMissingETag_IsRefused()
    {
        Assert.Equal(ChampionState.None, await _store.GetChampionAsync());
        string? first = await _store.TrySetChampionAsync(Champion("m-1"), expectedETag: null);
        Assert.NotNull(first);
        Assert.Null(await _store.TrySetChampionAsync(Champion("m-x"), expectedETag: null));

        var read = await _store.GetChampionAsync();
        Assert.Equal("m-1", read.ModelId);
        Assert.Equal(first, read.ETag);
        string? second = await _store.TrySetChampionAsync(Champion("m-2"), read.ETag);
        Assert.NotNull(second);
        Assert.Null(await _store.TrySetChampionAsync(Champion("m-3"), read.ETag));
        Assert.Equal("m-2", (await _store.GetChampionAsync()).ModelId);
    }

    [Fact]
    public async Task TrySetChampionAsync_ConcurrentPromotionsFromOneRead_ExactlyOneWins()
    {
        await _store.TrySetChampionAsync(Champion("m-0"), null);
        var read = await _store.GetChampionAsync();

        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => _store.TrySetChampionAsync(Champion($"m-{i}"), read.ETag)));

        Assert.Single(results, r => r is not null);
        int winner = Array.FindIndex(results, r => r is not null) + 1;
        Assert.Equal($"m-{winner}", (await _store.GetChampionAsync()).ModelId);
    }
}
