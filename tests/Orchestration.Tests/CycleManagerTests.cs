using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;

namespace AutoRetrain.Orchestration.Tests;

public class CycleManagerTests
{
    [Fact]
    public async Task Manager_BurstOfSignalsDuringRunningCycle_AllCounted()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.WaitForRelease);
        await h.Manager.EnsureStartedAsync(Initial("burst"));
        await h.Manager.SignalAsync("burst", new ManagerSignal(SignalKind.TilesRegistered, Batch("b0", 5)));
        await h.Steps.TrainingStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        for (int i = 1; i <= 25; i++)
            await h.Manager.SignalAsync("burst", new ManagerSignal(SignalKind.TilesRegistered, Batch($"b{i}", 2, i % 2 == 0 ? "ship" : "plane")));
        h.Steps.RetrainAtTiles = 1000; // keep the next decision a "wait" so the counts stay visible
        h.Steps.Release.SetResult();

        var status = await h.WaitForAsync("burst", s => s.SignalsReceived == 26 && s.RunningCycle is null && s.CyclesStarted == 1);
        Assert.Equal(50, status.Pending.NewTiles);
        Assert.Equal(25, status.Pending.Batches);
        Assert.Equal(24, status.Pending.NewObjectsPerClass["ship"]);
        Assert.Equal(26, status.Pending.NewObjectsPerClass["plane"]);
        Assert.Equal("Promoted", Assert.Single(status.RecentCycles).Outcome);
    }

    [Fact]
    public async Task Manager_AfterACycle_DecisionSeesWhatThatCycleTrainedOnAndTheLatestBatch()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = 4);
        await h.Manager.EnsureStartedAsync(Initial("previous"));
        await h.Manager.SignalAsync("previous", new ManagerSignal(SignalKind.TilesRegistered, Batch("a", 4, "ship")));
        await h.WaitForAsync("previous", s => s.CyclesStarted == 1 && s.RunningCycle is null);
        h.Steps.RetrainAtTiles = 1000;
        await h.Manager.SignalAsync("previous", new ManagerSignal(SignalKind.TilesRegistered, Batch("b", 1, "plane")));
        await h.Manager.SignalAsync("previous", new ManagerSignal(SignalKind.TilesRegistered, Batch("c", 2, "ship")));
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!h.Steps.Decisions.Any(d => d.State.Pending.Batches == 2) && DateTime.UtcNow < until) await Task.Delay(100);

        var last = h.Steps.Decisions.Last(d => d.State.Pending.Batches == 2).State;
        Assert.Equal(4, last.PreviousCyclePending!.NewObjectsPerClass["ship"]);
        Assert.Equal(2, last.Pending.LatestObjectsPerClass["ship"]);
        Assert.False(last.Pending.LatestObjectsPerClass.ContainsKey("plane"));
        Assert.Equal(1, last.Pending.NewObjectsPerClass["plane"]);
    }

    [Fact]
    public async Task Manager_ManyGenerationsOfContinueAsNew_LosesNoSignal()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        await h.Manager.EnsureStartedAsync(Initial("generations", FastConfig with { MaxSignalsPerGeneration = 3 }));
        var sends = Enumerable.Range(0, 40).Select(i =>
            h.Manager.SignalAsync("generations", new ManagerSignal(SignalKind.TilesRegistered, Batch($"g{i}", 1))));
        await Task.WhenAll(sends);

        var status = await h.WaitForAsync("generations", s => s.SignalsReceived == 40);
        Assert.Equal(40, status.Pending.NewTiles);
        Assert.True(status.Generation > 1, $"expected several generations, got {status.Generation}");
        Assert.Equal(0, status.CyclesStarted);
    }

    [Fact]
    public async Task Manager_RedeliveredBatch_CountedOnce()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        await h.Manager.EnsureStartedAsync(Initial("dedupe"));
        for (int i = 0; i < 3; i++)
            await h.Manager.SignalAsync("dedupe", new ManagerSignal(SignalKind.TilesRegistered, Batch("same", 4)));
        var status = await h.WaitForAsync("dedupe", s => s.SignalsReceived == 3);
        Assert.Equal(4, status.Pending.NewTiles);
    }

    [Fact]
    public async Task EnsureStarted_Twice_OnlyOneManagerPerProject()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        Assert.True(await h.Manager.EnsureStartedAsync(Initial("single")));
        Assert.False(await h.Manager.EnsureStartedAsync(Initial("single")));
        await h.Manager.SignalAsync("single", new ManagerSignal(SignalKind.TilesRegistered, Batch("x", 1)));
        var status = await h.WaitForAsync("single", s => s.SignalsReceived == 1);
        Assert.Equal(1, status.Pending.NewTiles);
        Assert.True(await h.Manager.EnsureStartedAsync(Initial("other")));
    }

    [Fact]
    public async Task Manager_PausedThenResumed_DecidesOnlyWhenResumed()
    {
        await using var h = await StartAsync();
        await h.Manager.EnsureStartedAsync(Initial("pause"));
        await h.Manager.SignalAsync("pause", new ManagerSignal(SignalKind.Pause));
        await h.Manager.SignalAsync("pause", new ManagerSignal(SignalKind.TilesRegistered, Batch("p1", 3)));
        var paused = await h.WaitForAsync("pause", s => s.SignalsReceived == 2);
        Assert.True(paused.Paused);
        Assert.Empty(h.Steps.Decisions);

        await h.Manager.SignalAsync("pause", new ManagerSignal(SignalKind.Resume));
        var resumed = await h.WaitForAsync("pause", s => s.RecentCycles.Count == 1);
        Assert.False(resumed.Paused);
        Assert.Equal(0, resumed.Pending.NewTiles);
    }

    [Fact]
    public async Task Manager_ForceRetrainWithNoNewData_RunsACycle()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        await h.Manager.EnsureStartedAsync(Initial("force"));
        await h.Manager.SignalAsync("force", new ManagerSignal(SignalKind.ForceRetrain, Reason: "operator asked"));
        var status = await h.WaitForAsync("force", s => s.RecentCycles.Count == 1);
        Assert.Equal("Promoted", status.RecentCycles[0].Outcome);
        Assert.Equal("model-job-1-0-s0", status.ChampionModelId);
    }

    [Fact]
    public async Task Manager_ForceRetrainSentWhileACycleRuns_StartsTheNextCycleWithoutWaitingForTheCheck()
    {
        // The dashboard's button pressed while the first cycle still finishes: the signal waits in the buffer, is drained
        // into the state at the end of the generation, and must trigger a decision at once, not at the next check (1 hour).
        await using var h = await StartAsync(s =>
        {
            s.RetrainAtTiles = 4;
            s.Behaviour = ScriptedSteps.JobBehaviour.WaitForRelease;
        });
        await h.Manager.EnsureStartedAsync(Initial("force-during"));
        await h.Manager.SignalAsync("force-during", new ManagerSignal(SignalKind.TilesRegistered, Batch("a", 4)));
        await h.Steps.TrainingStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await h.Manager.SignalAsync("force-during", new ManagerSignal(SignalKind.ForceRetrain, Reason: "pressed during the cycle"));
        h.Steps.Release.SetResult();

        var status = await h.WaitForAsync("force-during", s => s.CyclesStarted == 2);
        Assert.Contains(h.Steps.Decisions, d => d.State.ForceReason == "pressed during the cycle");
        Assert.Equal(2, status.CyclesStarted);
    }

    [Fact]
    public async Task Manager_Stop_CompletesTheOrchestration()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        await h.Manager.EnsureStartedAsync(Initial("stop"));
        await h.Manager.SignalAsync("stop", new ManagerSignal(SignalKind.Stop));
        var done = await h.Host.Client.WaitForInstanceCompletionAsync(CycleManagerOrchestrator.InstanceIdFor("stop"),
            new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task Manager_TrainingFails_CycleRecordedAsFailedAndManagerCarriesOn()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.Fail);
        await h.Manager.EnsureStartedAsync(Initial("fail"));
        await h.Manager.SignalAsync("fail", new ManagerSignal(SignalKind.TilesRegistered, Batch("f1", 2)));
        var failed = await h.WaitForAsync("fail", s => s.RecentCycles.Count == 1);
        Assert.Equal("Failed", failed.RecentCycles[0].Outcome);
        Assert.Contains("out of memory", failed.RecentCycles[0].Reasons[0]);
        var record = h.Steps.Records.Last(r => r.Record.Id == failed.RecentCycles[0].CycleId);
        Assert.Equal(CycleStatus.Failed, record.Record.Status);
        Assert.Contains("out of memory", record.Record.FailureCause);

        h.Steps.Behaviour = ScriptedSteps.JobBehaviour.Complete;
        await h.Manager.SignalAsync("fail", new ManagerSignal(SignalKind.TilesRegistered, Batch("f2", 2)));
        var next = await h.WaitForAsync("fail", s => s.RecentCycles.Count == 2);
        Assert.Equal("Promoted", next.RecentCycles[1].Outcome);
        Assert.DoesNotContain(h.Steps.Promotions, p => p.CycleId == failed.RecentCycles[0].CycleId);
    }

    [Fact]
    public async Task Manager_RestartedWithInterruptedCycle_RunsItAgainUnderItsOwnIdOnce()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        var interrupted = new CycleRequest("resume", "resume-cycle-0003", ["12 new tiles"], [new TrainingConfig { Sampler = "s0" }],
            "champion-2", FastConfig);
        await h.Manager.EnsureStartedAsync(Initial("resume") with { CyclesStarted = 3, ChampionModelId = "champion-2", ResumeCycle = interrupted });

        var status = await h.WaitForAsync("resume", s => s.RecentCycles.Count == 1);
        Assert.Equal("resume-cycle-0003", status.RecentCycles[0].CycleId);
        Assert.Equal(3, status.CyclesStarted);
        var submitted = Assert.Single(h.Steps.Submitted);
        Assert.Equal("resume-cycle-0003", submitted.CycleId);
        Assert.Equal("champion-2", Assert.Single(h.Steps.Promotions).ExpectedChampionId);
    }
}
