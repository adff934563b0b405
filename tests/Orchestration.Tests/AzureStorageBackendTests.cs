using System.Diagnostics;
using AutoRetrain.Orchestration.Contracts;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// The same orchestrators on the Azure Storage backend (the one Durable Functions uses by default) over Azurite,
/// through the Durable Task sidecar: in this process, and in worker processes that are killed and restarted.
/// </summary>
public class AzureStorageBackendTests
{
    [Fact]
    public async Task AzureStorage_WholeCycle_PromotesOnce()
    {
        await using var hub = new AzureStorageNodes();
        var steps = new ScriptedSteps { Candidates = 2 };
        var node = await hub.StartNodeAsync("w1", steps);
        var manager = new CycleManagerClient(node.Client);
        await manager.EnsureStartedAsync(Initial("whole"));
        await manager.SignalAsync("whole", new ManagerSignal(SignalKind.TilesRegistered, Batch("a", 3)));

        var status = await AzureStorageNodes.WaitForAsync(node.Client, "whole", s => s.RecentCycles.Count == 1 && s.RunningCycle is null);
        var cycle = status.RecentCycles[0];
        Assert.Equal("Promoted", cycle.Outcome);
        Assert.Equal(2, steps.Submitted.Count);
        var promotion = Assert.Single(steps.Promotions);
        Assert.Equal(cycle.CycleId, promotion.CycleId);
        Assert.Equal(promotion.ModelId, status.ChampionModelId);
        Assert.Equal(1, status.CyclesStarted);
        Assert.Equal(0, status.Pending.NewTiles);
    }

    [Fact]
    public async Task AzureStorage_SignalsDuringACycleAndAcrossContinueAsNew_AllCounted()
    {
        await using var hub = new AzureStorageNodes();
        var steps = new ScriptedSteps { Behaviour = ScriptedSteps.JobBehaviour.WaitForRelease };
        var node = await hub.StartNodeAsync("w1", steps);
        var manager = new CycleManagerClient(node.Client);
        await manager.EnsureStartedAsync(Initial("signals", FastConfig with { MaxSignalsPerGeneration = 3 }));
        await manager.SignalAsync("signals", new ManagerSignal(SignalKind.TilesRegistered, Batch("first", 5)));
        await steps.TrainingStarted.Task.WaitAsync(TimeSpan.FromSeconds(120));

        // During the cycle: they wait in the backend's queue and the orchestration's buffer.
        await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            manager.SignalAsync("signals", new ManagerSignal(SignalKind.TilesRegistered, Batch($"during{i}", 1)))));
        steps.RetrainAtTiles = int.MaxValue;
        steps.Release.SetResult();
        var afterCycle = await AzureStorageNodes.WaitForAsync(node.Client, "signals", s => s.SignalsReceived == 11 && s.RunningCycle is null);
        Assert.Equal(10, afterCycle.Pending.NewTiles);
        int generationAfterCycle = afterCycle.Generation;

        // After it, one at a time: each is a wait of its own, three waits per generation, so they cross several ContinueAsNew.
        for (int i = 1; i <= 12; i++)
        {
            await manager.SignalAsync("signals", new ManagerSignal(SignalKind.TilesRegistered, Batch($"after{i}", 2)));
            await AzureStorageNodes.WaitForAsync(node.Client, "signals", s => s.SignalsReceived == 11 + i);
        }
        var status = await AzureStorageNodes.WaitForAsync(node.Client, "signals", s => s.SignalsReceived == 23);
        Assert.Equal(34, status.Pending.NewTiles);
        Assert.Equal(22, status.Pending.Batches);
        Assert.True(status.Generation >= generationAfterCycle + 2, $"generation {generationAfterCycle} → {status.Generation}");
        Assert.Equal("Promoted", Assert.Single(status.RecentCycles).Outcome);
        Assert.Single(steps.Promotions);
    }

    [Fact]
    public async Task AzureStorage_WorkerProcessKilledMidTraining_RestartedWorkerFinishesTheSameCycleOnce()
    {
        await using var hub = new AzureStorageNodes();
        var client = await hub.StartNodeAsync("client", steps: null);
        var manager = new CycleManagerClient(client.Client);
        var first = await hub.StartWorkerProcessAsync("w1");
        await manager.EnsureStartedAsync(Initial("kill"));
        await manager.SignalAsync("kill", new ManagerSignal(SignalKind.TilesRegistered, Batch("before", 4)));

        // Mid-training: submitted, and the monitor has polled the running job a few times.
        var journal = await hub.WaitForJournalAsync(j => j.Count(e => e.Step == "status") >= 3);
        string job = Assert.Single(journal, e => e.Step == "submit").Arg;
        first.Kill(); // SIGKILL: no shutdown, the dequeued messages and the partition leases are simply abandoned
        await first.WaitForExitAsync();
        Assert.Equal(137, first.ExitCode);

        // Tiles that arrive while no worker runs wait in the task hub. The manager is paused first, so that they are
        // counted and left pending rather than starting a second cycle as soon as the first one ends (which, on a slow
        // machine, could happen before the status below is read).
        await manager.SignalAsync("kill", new ManagerSignal(SignalKind.Pause));
        for (int i = 0; i < 5; i++)
            await manager.SignalAsync("kill", new ManagerSignal(SignalKind.TilesRegistered, Batch($"while-dead{i}", 1)));

        var watch = Stopwatch.StartNew();
        await hub.StartWorkerProcessAsync("w2");
        await hub.WaitForJournalAsync(j => j.Any(e => e.Worker == "w2" && e.Step == "status" && e.Arg == job));
        var resumedAfter = watch.Elapsed;
        File.WriteAllText(JournalingSteps.ReleaseFile(hub.Dir), "");

        var status = await AzureStorageNodes.WaitForAsync(client.Client, "kill", s => s.RecentCycles.Count == 1 && s.SignalsReceived == 7);
        journal = JournalingSteps.Read(hub.Dir);
        var cycle = Assert.Single(status.RecentCycles);
        Assert.Equal("Promoted", cycle.Outcome);
        Assert.Equal(1, status.CyclesStarted);
        Assert.Single(journal, e => e.Step == "submit");
        Assert.Single(journal, e => e.Step == "prepare");
        var promotion = Assert.Single(journal, e => e.Step == "promote");
        Assert.Equal("w2", promotion.Worker);
        Assert.Equal(promotion.Arg, status.ChampionModelId);
        Assert.Equal(5, status.Pending.NewTiles); // the tiles sent while no worker ran: none lost, none counted twice
        Assert.Contains(journal, e => e.Step == "record" && e.Arg == $"{cycle.CycleId}:Promoted");
        Assert.True(resumedAfter < TimeSpan.FromSeconds(90), $"the restarted worker resumed after {resumedAfter}");
    }

    [Fact]
    public async Task AzureStorage_TwoWorkerProcessesShareOneTaskHub_EveryCycleRunsOnce()
    {
        await using var hub = new AzureStorageNodes();
        File.WriteAllText(JournalingSteps.ReleaseFile(hub.Dir), ""); // training completes at the first poll
        var client = await hub.StartNodeAsync("client", steps: null);
        var manager = new CycleManagerClient(client.Client);
        await hub.StartWorkerProcessAsync("w1");
        await hub.StartWorkerProcessAsync("w2");
        string[] projects = ["alpha", "bravo", "charlie", "delta"];
        foreach (string p in projects)
        {
            await manager.EnsureStartedAsync(Initial(p));
            await manager.SignalAsync(p, new ManagerSignal(SignalKind.TilesRegistered, Batch($"{p}-1", 2)));
        }

        foreach (string p in projects)
        {
            var status = await AzureStorageNodes.WaitForAsync(client.Client, p, s => s.RecentCycles.Count == 1 && s.RunningCycle is null);
            Assert.Equal("Promoted", status.RecentCycles[0].Outcome);
        }
        var journal = JournalingSteps.Read(hub.Dir);
        Assert.Equal(projects.Length, journal.Count(e => e.Step == "promote"));
        Assert.Equal(projects.Length, journal.Count(e => e.Step == "submit"));
        Assert.Equal(projects.Length, journal.Select(e => e.Arg).Count(a => a.EndsWith(":Promoted", StringComparison.Ordinal)));
        // The activities went to whichever worker dequeued them first: both took part.
        Assert.Contains(journal, e => e.Worker == "w1");
        Assert.Contains(journal, e => e.Worker == "w2");
    }
}

public class OrchestrationVersioningTests
{
    [Fact]
    public async Task UnversionedManager_MovesToTheCurrentVersionAtItsNextGeneration_AndKeepsItsCounts()
    {
        await using var hub = new AzureStorageNodes();
        var node = await hub.StartNodeAsync("w1", new ScriptedSteps { RetrainAtTiles = int.MaxValue });
        var manager = new CycleManagerClient(node.Client);
        // As a deploy from before versioning left it: no version.
        await node.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleManagerOrchestrator),
            Initial("legacy", FastConfig with { MaxSignalsPerGeneration = 2 }),
            new Microsoft.DurableTask.StartOrchestrationOptions { InstanceId = CycleManagerOrchestrator.InstanceIdFor("legacy"), Version = "" });
        var first = await AzureStorageNodes.WaitForAsync(node.Client, "legacy", s => s.Generation == 1);
        Assert.True(string.IsNullOrEmpty(first.Version));

        // The unversioned rule: only signals count towards the cap, so two signals end the generation.
        for (int i = 0; i < 2; i++)
        {
            await manager.SignalAsync("legacy", new ManagerSignal(SignalKind.TilesRegistered, Batch($"l{i}", 1)));
            await AzureStorageNodes.WaitForAsync(node.Client, "legacy", s => s.SignalsReceived == i + 1);
        }
        var upgraded = await AzureStorageNodes.WaitForAsync(node.Client, "legacy", s => s.Generation >= 2);
        Assert.Equal(OrchestrationVersions.Current, upgraded.Version);
        Assert.Equal(2, upgraded.Pending.NewTiles);
        Assert.Equal(2, upgraded.SignalsReceived);
    }

    [Fact]
    public async Task Worker_LeavesAManagerOfANewerVersionAlone()
    {
        await using var hub = new AzureStorageNodes();
        var node = await hub.StartNodeAsync("w1", new ScriptedSteps());
        string newer = "3.0";
        Assert.False(OrchestrationVersions.AtLeast(OrchestrationVersions.Current, newer));
        await node.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleManagerOrchestrator), Initial("future"),
            new Microsoft.DurableTask.StartOrchestrationOptions { InstanceId = CycleManagerOrchestrator.InstanceIdFor("future"), Version = newer });
        await manager(node).EnsureStartedAsync(Initial("present"));
        await AzureStorageNodes.WaitForAsync(node.Client, "present", s => s.Generation == 1);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var future = await node.Client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor("future"));
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Pending, future!.RuntimeStatus);
        static CycleManagerClient manager(AutoRetrain.Orchestration.Hosting.SidecarDurableHost n) => new(n.Client);
    }

    [Fact]
    public void OrchestrationVersions_UnversionedIsOlderThanEveryVersion()
    {
        Assert.False(OrchestrationVersions.AtLeast(null, "2.0"));
        Assert.False(OrchestrationVersions.AtLeast("", "2.0"));
        Assert.True(OrchestrationVersions.AtLeast("2.0", "2.0"));
        Assert.True(OrchestrationVersions.AtLeast("10.0", "2.0"));
        Assert.False(OrchestrationVersions.AtLeast("1.9", "2.0"));
    }
}
