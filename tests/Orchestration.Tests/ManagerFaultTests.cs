using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>A manager that never forgets, on both backends: failed decisions, deleted instances, ids unique per attempt.</summary>
public class ManagerFaultTests
{
    [Theory]
    [InlineData(Backend.InMemory)]
    [InlineData(Backend.AzureStorage)]
    public async Task Manager_DecideFailsPastItsRetries_KeepsCountAndChampionAndTheNextCycleGetsANewId(Backend backend)
    {
        await using var h = await StartAsync(backend);
        await h.Manager.EnsureStartedAsync(Initial("faults", FastConfig with { ActivityAttempts = 2 }));
        await h.Manager.SignalAsync("faults", new ManagerSignal(SignalKind.TilesRegistered, Batch("a", 2)));
        var first = await h.WaitForAsync("faults", s => s.RecentCycles.Count == 1);
        string firstId = first.RecentCycles[0].CycleId;

        h.Steps.FailDecisions = true;
        await h.Manager.SignalAsync("faults", new ManagerSignal(SignalKind.TilesRegistered, Batch("b", 2)));
        var failed = await h.WaitForAsync("faults", s => s.DecisionFailures == 1);

        Assert.Equal(OrchestrationRuntimeStatus.Running, await h.Manager.GetRuntimeStatusAsync("faults"));
        Assert.Equal(1, failed.CyclesStarted);
        Assert.Equal(first.ChampionModelId, failed.ChampionModelId);
        Assert.Equal("failed", failed.LastDecision);
        Assert.Contains("the ledger cannot be read", failed.LastDecisionReasons[0]);
        Assert.Equal(2, failed.Pending.NewTiles);
        Assert.Equal(2, h.Steps.Decisions.Count(d => d.State.Pending.NewTiles == 2 && d.State.CyclesStarted == 1)); // both attempts

        h.Steps.FailDecisions = false;
        await h.Manager.SignalAsync("faults", new ManagerSignal(SignalKind.TilesRegistered, Batch("c", 1)));
        var second = await h.WaitForAsync("faults", s => s.RecentCycles.Count == 2);
        string secondId = second.RecentCycles[1].CycleId;

        Assert.Equal(2, second.CyclesStarted);
        Assert.StartsWith("faults-cycle-0002-", secondId);
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(first.ChampionModelId, h.Steps.Submitted.Single(j => j.CycleId == secondId).BaseModelId);
        Assert.Equal(2, h.Steps.Submitted.Select(j => j.CycleId).Distinct().Count());
    }

    [Theory]
    [InlineData(Backend.InMemory)]
    [InlineData(Backend.AzureStorage)]
    public async Task Manager_DeletedAndRestartedBlank_RebuildsItsStateFromTheStores(Backend backend)
    {
        await using var h = await StartAsync(backend);
        await h.Manager.EnsureStartedAsync(Initial("restart"));
        await h.Manager.SignalAsync("restart", new ManagerSignal(SignalKind.TilesRegistered, Batch("a", 2)));
        var before = await h.WaitForAsync("restart", s => s.RecentCycles.Count == 1 && s.RunningCycle is null);
        string id = CycleManagerOrchestrator.InstanceIdFor("restart");

        await h.Client.TerminateInstanceAsync(id, "deleted by an operator");
        await h.Client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await h.Client.PurgeInstanceAsync(id);
        Assert.Null(await h.Client.GetInstanceAsync(id));
        h.Steps.UnfrozenTiles = 3;

        // What the first blob event or API call does: start a blank manager.
        Assert.True(await h.Manager.EnsureStartedAsync(Initial("restart")));
        var after = await h.WaitForAsync("restart", s => s.CyclesStarted == 1 && s.Pending.NewTiles == 3);

        Assert.Equal(before.ChampionModelId, after.ChampionModelId);
        Assert.Equal(2, h.Steps.Recoveries.Count);
        Assert.All(h.Steps.Recoveries, seed => Assert.False(seed.Recovered));

        await h.Manager.SignalAsync("restart", new ManagerSignal(SignalKind.ForceRetrain, Reason: "after the restart"));
        var next = await h.WaitForAsync("restart", s => s.RecentCycles.Any(c => c.CycleId.StartsWith("restart-cycle-0002-", StringComparison.Ordinal)));
        string nextId = next.RecentCycles.Last().CycleId;
        Assert.NotEqual(before.RecentCycles[0].CycleId, nextId);
        Assert.Equal(before.ChampionModelId, h.Steps.Submitted.Single(j => j.CycleId == nextId).BaseModelId);
    }

    [Fact]
    public void CycleIdFor_SameNumberTwoAttempts_DifferentIds()
    {
        string a = CycleManagerOrchestrator.CycleIdFor("p", 1, Guid.Parse("0a1b2c3d-0000-0000-0000-000000000000"));
        string b = CycleManagerOrchestrator.CycleIdFor("p", 1, Guid.Parse("ffeeddcc-0000-0000-0000-000000000000"));
        Assert.Equal("p-cycle-0001-0a1b2c3d", a);
        Assert.NotEqual(a, b);
    }
}
