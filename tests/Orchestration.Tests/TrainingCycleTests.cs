using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using static AutoRetrain.Orchestration.Tests.OrchestrationHost;

namespace AutoRetrain.Orchestration.Tests;

public class TrainingCycleTests
{
    private static CycleRequest Request(string id, int candidates, ManagerConfig? config = null) => new("p", id, ["test"],
        Enumerable.Range(0, candidates).Select(i => new TrainingConfig { Sampler = $"s{i}", Seed = i }).ToList(), "champion-0",
        config ?? FastConfig);

    private static async Task<CycleResult> RunCycle(OrchestrationHost h, CycleRequest request)
    {
        await h.Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TrainingCycleOrchestrator), request,
            new StartOrchestrationOptions { InstanceId = request.CycleId });
        var done = await h.Host.Client.WaitForInstanceCompletionAsync(request.CycleId, getInputsAndOutputs: true,
            new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<CycleResult>()!;
    }

    [Fact]
    public async Task Cycle_ThreeCandidates_FanOutAndBestPromoted()
    {
        await using var h = await StartAsync(s => s.Candidates = 3);
        var result = await RunCycle(h, Request("fan", 3));

        Assert.Equal(CycleStatus.Promoted, result.Status);
        Assert.Equal(3, h.Steps.Submitted.Count);
        Assert.Equal(["0-s0", "1-s1", "2-s2"], h.Steps.Submitted.Select(s => s.Candidate).Order());
        var promotion = Assert.Single(h.Steps.Promotions);
        Assert.EndsWith("-2-s2", promotion.ModelId);
        Assert.Equal("champion-0", promotion.ExpectedChampionId);
        Assert.Equal(promotion.ModelId, result.ChampionModelId);
        // The record moves through the statuses in order and ends with the verdict.
        var statuses = h.Steps.Records.Where(r => r.Record.Id == "fan").Select(r => r.Record.Status).ToList();
        Assert.Equal([CycleStatus.Preparing, CycleStatus.Training, CycleStatus.Scoring, CycleStatus.Promoted], statuses);
        // The record keeps the optimiser steps of the candidate that won (seed 2: 300), the cost the strategy choice uses.
        Assert.Equal(300, h.Steps.Records.Last(r => r.Record.Id == "fan").Record.Metrics[TrainerMetrics.TrainSteps]);
    }

    [Fact]
    public async Task Cycle_TrainingPastDeadline_JobCancelledAndCycleFailed()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.Hang);
        var result = await RunCycle(h, Request("deadline", 1, FastConfig with { TrainingDeadline = TimeSpan.FromSeconds(2) }));

        Assert.Equal(CycleStatus.Failed, result.Status);
        Assert.Contains("deadline", result.Reasons[0]);
        Assert.Single(h.Steps.Cancelled);
        Assert.Empty(h.Steps.Promotions);
    }

    [Fact]
    public async Task Cycle_CancelRequested_JobCancelledAndCycleFailed()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.Hang);
        var request = Request("cancel", 2);
        var run = RunCycle(h, request);
        await h.Steps.TrainingStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        while (h.Steps.Submitted.Count < 2) await Task.Delay(50);
        await new CycleManagerClient(h.Host.Client).CancelCycleAsync("cancel", 2, "operator stopped it");

        var result = await run;
        Assert.Equal(CycleStatus.Failed, result.Status);
        Assert.Contains("operator stopped it", result.Reasons[0]);
        Assert.Equal(2, h.Steps.Cancelled.Count);
    }

    [Fact]
    public async Task Cycle_AllCandidatesFail_FailedWithEachCause()
    {
        await using var h = await StartAsync(s => s.Behaviour = ScriptedSteps.JobBehaviour.Fail);
        var result = await RunCycle(h, Request("allfail", 2));
        Assert.Equal(CycleStatus.Failed, result.Status);
        Assert.Contains("0-s0", result.Reasons[0]);
        Assert.Contains("1-s1", result.Reasons[0]);
    }
}
