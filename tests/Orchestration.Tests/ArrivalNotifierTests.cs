using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Arrival;
using AutoRetrain.Orchestration.Contracts;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>The one arrival path (blob trigger, folder watcher, demo) against the real manager on the in-process backend.</summary>
public class ArrivalNotifierTests
{
    private static IngestOutcome Labelled(string image, string labels, bool relabelled = false, string cls = "ship") =>
        new(IngestKind.LabelsAttached, $"{image}.labels.json", TileId.Of(System.Text.Encoding.UTF8.GetBytes(image)),
            new NewlyLabelledTile(TileId.Of(System.Text.Encoding.UTF8.GetBytes(image)), Split.Train,
                new Dictionary<string, int> { [cls] = 2 }, relabelled, ContentHash.Of(labels)));

    private static ArrivalNotifier Notifier(OrchestrationHost h, string project) =>
        new(h.Manager, project, _ => Task.FromResult(Initial(project, FastConfig with { DecisionDebounce = TimeSpan.FromHours(1) })));

    [Fact]
    public async Task NotifyAsync_SameFilesTwice_CountedOnce()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        var arrivals = Notifier(h, "twice");
        Assert.True(await arrivals.EnsureManagerAsync()); // running before the files arrive, so every signal carries its counts
        IngestOutcome[] files = [Labelled("a.png", "labels-a"), Labelled("b.png", "labels-b"), new(IngestKind.DuplicateTile, "c.png")];

        var first = await arrivals.NotifyAsync(files);
        // The same files reported again, in another order (a redelivered event, an outbox re-send, a rescan).
        var again = await arrivals.NotifyAsync([files[2], files[1], files[0]]);
        await arrivals.NotifyAsync([Labelled("d.png", "labels-d")]);

        Assert.Equal(first!.BatchId, again!.BatchId);
        var status = await h.WaitForAsync("twice", s => s.SignalsReceived == 3);
        Assert.Equal(3, status.Pending.NewTiles);
        Assert.Equal(2, status.Pending.Batches);
    }

    [Fact]
    public async Task NotifyAsync_ManagerNotRunning_StartsItAndCountsTheTilesOnce()
    {
        // The ledger already holds the arriving tile when the manager starts: its recovery counts it, the signal must not.
        await using var h = await StartAsync(s => { s.RetrainAtTiles = int.MaxValue; s.UnfrozenTiles = 1; });
        Assert.False(await h.Manager.IsRunningAsync("cold"));

        await Notifier(h, "cold").NotifyAsync([Labelled("a.png", "labels-a")]);

        Assert.True(await h.Manager.IsRunningAsync("cold"));
        var status = await h.WaitForAsync("cold", s => s.SignalsReceived == 1);
        Assert.Equal(1, status.Pending.NewTiles);
        Assert.Single(h.Steps.Recoveries); // started blank, so it rebuilt its state from the stores first
    }

    [Fact]
    public async Task NotifyAsync_ManagerStopped_StartsANewOneThatCountsTheTilesOnce()
    {
        await using var h = await StartAsync(s => { s.RetrainAtTiles = int.MaxValue; s.UnfrozenTiles = 1; });
        var arrivals = Notifier(h, "stopped");
        Assert.True(await arrivals.EnsureManagerAsync());
        await h.Manager.SignalAsync("stopped", new ManagerSignal(SignalKind.Stop));
        await h.Client.WaitForInstanceCompletionAsync(CycleManagerOrchestrator.InstanceIdFor("stopped"),
            new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        await arrivals.NotifyAsync([Labelled("a.png", "labels-a")]);

        var status = await h.WaitForAsync("stopped", s => s.SignalsReceived == 1 && !s.Stopped);
        Assert.Equal(1, status.Pending.NewTiles);
        Assert.False(await arrivals.EnsureManagerAsync());
    }

    [Fact]
    public async Task NotifyAsync_NothingLabelled_SendsNothingAndStartsNothing()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        var sent = await Notifier(h, "quiet").NotifyAsync(
            [new(IngestKind.TileAdded, "a.png"), new(IngestKind.LabelsUnchanged, "b.labels.json"), new(IngestKind.Quarantined, "c.txt")]);
        Assert.Null(sent);
        Assert.False(await h.Manager.IsRunningAsync("quiet"));
    }

    [Fact]
    public void BatchIdFor_DependsOnContentOnly()
    {
        var a = Labelled("a.png", "labels-a").NewlyLabelled!;
        var b = Labelled("b.png", "labels-b").NewlyLabelled!;
        Assert.Equal(ArrivalNotifier.BatchIdFor([a, b]), ArrivalNotifier.BatchIdFor([b, a]));
        // The same file under another name is the same change; other labels on the same tile are a new one.
        Assert.Equal(ArrivalNotifier.BatchIdFor([a]), ArrivalNotifier.SignalFor([Labelled("a.png", "labels-a") with { SourceName = "x/y.labels.json" }])!.Tiles!.BatchId);
        Assert.NotEqual(ArrivalNotifier.BatchIdFor([a]), ArrivalNotifier.BatchIdFor([Labelled("a.png", "labels-a2", relabelled: true).NewlyLabelled!]));
        // Labels changed back to an earlier version are a relabel, not the first labelling again.
        Assert.NotEqual(ArrivalNotifier.BatchIdFor([a]), ArrivalNotifier.BatchIdFor([a with { Relabelled = true }]));
        Assert.NotEqual(ArrivalNotifier.BatchIdFor([a]), ArrivalNotifier.BatchIdFor([a, b]));
    }
}

/// <summary>Hosts learn that a cycle finished from the manager client (the cycle's orchestration), not from store keys.</summary>
public class CycleCompletionTests
{
    [Fact]
    public async Task WaitForCycleAsync_CycleRuns_ReturnsItsResultOnceFinished()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.WaitForRelease);
        await h.Manager.EnsureStartedAsync(Initial("wait"));
        await h.Manager.SignalAsync("wait", new ManagerSignal(SignalKind.ForceRetrain, Reason: "operator asked"));
        string cycleId = (await h.WaitForAsync("wait", s => s.RunningCycle is not null)).RunningCycle!;

        var waiting = h.Manager.WaitForCycleAsync(cycleId);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted); // the training is still held
        Assert.True(await h.Manager.IsCycleRunningAsync(cycleId));
        h.Steps.Release.SetResult();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(await h.Manager.IsCycleRunningAsync(cycleId));
        Assert.False(await h.Manager.IsCycleRunningAsync("never-ran"));

        Assert.Equal(cycleId, result.CycleId);
        Assert.Equal(Core.Cycles.CycleStatus.Promoted, result.Status);
        Assert.True(h.Steps.StoredCycles[cycleId].IsFinished); // its record was saved before the wait returned
    }

    [Fact]
    public async Task WaitForCycleAsync_CycleNotStartedYet_WaitsForItToAppear()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        await h.Manager.EnsureStartedAsync(Initial("later"));
        var waiting = h.Manager.WaitForCycleAsync("not-yet-1");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TrainingCycleOrchestrator),
            new CycleRequest("later", "not-yet-1", ["test"], [new Core.Cycles.TrainingConfig()], null, FastConfig),
            new Microsoft.DurableTask.StartOrchestrationOptions { InstanceId = CycleManagerOrchestrator.CycleInstanceIdFor("not-yet-1") });
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("not-yet-1", result.CycleId);
    }
}
