using AutoRetrain.Orchestration.Contracts;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;
using Xunit.Abstractions;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>Bounded history and status, debounced decisions, on both backends.</summary>
public class ManagerLoadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Backend.InMemory)]
    [InlineData(Backend.AzureStorage)]
    public async Task Manager_IdleDay_EveryGenerationHandlesABoundedNumberOfChecks(Backend backend)
    {
        // A day of 30-minute checks (48), compressed to 40 ms each; a generation may handle 12 waits.
        const int checksPerDay = 48, cap = 12;
        await using var h = await StartAsync(backend, s => s.RetrainAtTiles = int.MaxValue);
        var config = FastConfig with { CheckInterval = TimeSpan.FromMilliseconds(40), MaxSignalsPerGeneration = cap };
        await h.Manager.EnsureStartedAsync(new ManagerState { Project = "idle", Config = config });

        var until = DateTime.UtcNow.AddSeconds(150);
        while (h.Steps.Decisions.Count < checksPerDay && DateTime.UtcNow < until) await Task.Delay(20);

        Assert.True(h.Steps.Decisions.Count >= checksPerDay, $"only {h.Steps.Decisions.Count} checks in 150 s");
        var perGeneration = h.Steps.Decisions.GroupBy(d => d.State.Generation).Select(g => g.Count()).ToList();
        Assert.True(perGeneration.Count >= checksPerDay / cap, $"{perGeneration.Count} generations");
        // Every wait that timed out counts: a generation makes at most `cap` timers and `cap` decisions, i.e. at most
        // 8 history events per check (timer created/fired, task scheduled/completed, two episodes' started/completed).
        Assert.All(perGeneration, n => Assert.InRange(n, 1, cap));
        Assert.All(h.Steps.Decisions, d => Assert.Equal(DecisionTrigger.Timer, d.Trigger));

        // The history each generation of the manager had at its checkpoints, as the backend was asked to store it.
        string manager = CycleManagerOrchestrator.InstanceIdFor("idle");
        var history = h.HistoryPerGeneration.Where(e => e.Key.Instance == manager).Select(e => e.Value).ToList();
        Assert.True(history.Count >= perGeneration.Count, $"{history.Count} generations seen at checkpoints");
        output.WriteLine($"idle day on {backend}: {h.Steps.Decisions.Count} checks in {perGeneration.Count} generations, at most " +
                         $"{perGeneration.Max()} checks per generation; history events per generation: max {history.Max()}, " +
                         $"mean {history.Average():F1} over {history.Count} generations (bound {MaxHistoryPerGeneration(cap)})");
        Assert.All(history, n => Assert.InRange(n, 1, MaxHistoryPerGeneration(cap)));
    }

    /// <summary>
    /// What a generation of `cap` checks may write: per check a timer (created, fired), a decision (scheduled, completed)
    /// and two episodes (orchestrator started, completed); per generation its start and end, and the recovery activity.
    /// </summary>
    private static int MaxHistoryPerGeneration(int cap) => 8 * cap + 8;

    [Theory]
    [InlineData(Backend.InMemory)]
    [InlineData(Backend.AzureStorage)]
    public async Task Manager_500TilesInOneUpload_DecidesOncePerBatchOnTheArrivalPath(Backend backend)
    {
        const int tiles = 500, batch = 100;
        await using var h = await StartAsync(backend, s => s.RetrainAtTiles = int.MaxValue);
        var config = FastConfig with { DecisionBatchTiles = batch, DecisionDebounce = TimeSpan.FromHours(1), CheckInterval = TimeSpan.FromHours(1) };
        await h.Manager.EnsureStartedAsync(new ManagerState { Project = "upload", Config = config });
        await Task.WhenAll(Enumerable.Range(0, tiles).Select(i =>
            h.Manager.SignalAsync("upload", new ManagerSignal(SignalKind.TilesRegistered, Batch($"tile{i}", 1)))));

        ManagerStatus status;
        try
        {
            // Every tile counted, and fewer than a batch left undecided (they wait for the debounce window, an hour here):
            // on the in-memory backend the last decision usually sees all 500, on Azure Storage the last few may arrive after it.
            status = await h.WaitForAsync("upload", s => s.SignalsReceived == tiles
                                                          && h.Steps.Decisions.Any(d => d.State.Pending.NewTiles > tiles - batch));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{h.Steps.Decisions.Count} decisions: " +
                string.Join(", ", h.Steps.Decisions.Select(d => $"{d.Trigger}@{d.State.Pending.NewTiles}/g{d.State.Generation}")) + "; " + ex.Message);
        }
        await Task.Delay(500);

        Assert.Equal(tiles, status.Pending.NewTiles);
        Assert.InRange(h.Steps.Decisions.Count, 1, (int)Math.Ceiling(tiles / (double)batch));
        Assert.All(h.Steps.Decisions, d => Assert.Equal(DecisionTrigger.Arrivals, d.Trigger));
        // Each decision covers at least a batch (the signals drained before a ContinueAsNew join the next one).
        Assert.All(h.Steps.Decisions, d => Assert.True(d.State.Pending.NewTiles >= batch, $"decided on {d.State.Pending.NewTiles} tiles"));
        output.WriteLine($"500 tiles on {backend}: {h.Steps.Decisions.Count} decisions at " +
                          string.Join(", ", h.Steps.Decisions.Select(d => d.State.Pending.NewTiles)) + " tiles");
    }

    [Fact]
    public async Task Manager_FewTilesThenQuiet_DecidesOnceWhenTheDebounceWindowCloses()
    {
        await using var h = await StartAsync(s => s.RetrainAtTiles = int.MaxValue);
        var config = FastConfig with { DecisionDebounce = TimeSpan.FromMilliseconds(500), CheckInterval = TimeSpan.FromHours(1) };
        await h.Manager.EnsureStartedAsync(new ManagerState { Project = "debounce", Config = config });
        for (int i = 0; i < 5; i++)
            await h.Manager.SignalAsync("debounce", new ManagerSignal(SignalKind.TilesRegistered, Batch($"d{i}", 1)));

        await h.WaitForAsync("debounce", s => s.LastDecision == "wait");
        await Task.Delay(1000);

        var decision = Assert.Single(h.Steps.Decisions);
        Assert.Equal(5, decision.State.Pending.NewTiles);
        Assert.Equal(DecisionTrigger.Arrivals, decision.Trigger);
    }

    [Fact]
    public void Status_HugeReasonsAndManyCycles_StaysUnder16KB()
    {
        var reasons = Enumerable.Range(0, 50).Select(i => $"reason {i}: " + new string('x', 2000)).ToList();
        var state = new ManagerState
        {
            Project = "big",
            LastDecisionReasons = reasons,
            RecentCycles = Enumerable.Range(0, 20).Select(i => new CycleSummary($"big-cycle-{i:D4}-0a1b2c3d", "Rejected",
                DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, reasons, 0.5, "m")).ToList(),
            Pending = new PendingCounts().Add(new TilesRegistered("b", 1, 1, 0, 0,
                Enumerable.Range(0, 5000).ToDictionary(i => $"class-{i}", i => i))),
        };

        var status = ManagerStatus.From(state, running: null);

        Assert.InRange(status.Size(), 1, ManagerStatus.MaxBytes);
        Assert.NotEmpty(status.RecentCycles);
        Assert.Equal("big-cycle-0019-0a1b2c3d", status.RecentCycles[^1].CycleId);
        Assert.True(ManagerStatus.From(state with { LastDecisionReasons = ["short"], RecentCycles = [], Pending = new() }, null).Size() < 1024);
    }
}
