using AutoRetrain.Orchestration.Hosting;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// A wait that a signal wins leaves its durable timer pending. When that timer fires after a ContinueAsNew it belongs
/// to an execution that no longer exists; it must not complete the task that holds the same id in the new execution.
/// The Azure Storage provider drops such messages; the in-memory backend did not (CI once failed with a
/// <c>JsonException</c> when a timer's result was read as an activity's <c>RetrainDecision</c>): its store drops a
/// message of an ended execution when it arrives, but not one that arrives while the ContinueAsNew is being executed.
/// </summary>
public sealed class StaleTimerTests
{
    private const string Orchestrator = "StaleTimerProbe";
    private const string SlowActivity = "StaleTimerSlowActivity";

    public sealed record Payload(string Value, int Generation);

    [Theory]
    [InlineData(Backend.InMemory)]
    [InlineData(Backend.AzureStorage)]
    public async Task TimerOfAnEndedExecution_DoesNotCompleteTheNextExecutionsActivity(Backend backend)
    {
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        await using var hub = backend == Backend.AzureStorage ? new AzureStorageNodes() : null;
        var node = hub is not null ? await hub.StartNodeAsync("w1", Register) : await SidecarDurableHost.StartInMemoryAsync(Register, null, logs);
        await using var _ = hub is null ? node : null;

        string id = await node.Client.ScheduleNewOrchestrationInstanceAsync(Orchestrator, 0);
        await node.Client.WaitForInstanceStartAsync(id);
        await node.Client.RaiseEventAsync(id, "go", "now");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await node.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"status {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        Assert.Equal(new Payload("from the activity", 1), done.ReadOutputAs<Payload>());
    }

    private static void Register(DurableTaskRegistry r)
    {
        r.AddOrchestratorFunc<int, Payload>(Orchestrator, async (context, generation) =>
        {
            if (generation == 0)
            {
                // The event wins; the 2-second timer of this wait stays pending.
                await context.WaitForExternalEvent<string>("go", TimeSpan.FromSeconds(2));
                context.ContinueAsNew(1);
                return new Payload("", generation);
            }
            // The backend runs this execution in the same work item as the ContinueAsNew; holding it up lets the old
            // timer fire before the new execution is saved, the window in which the in-memory store accepts it. Task id 0
            // of this execution is the activity, as the timer was task id 0 of the last one.
            if (!context.IsReplaying) Thread.Sleep(TimeSpan.FromSeconds(3));
            return await context.CallActivityAsync<Payload>(SlowActivity, generation);
        });
        r.AddActivityFunc<int, Payload>(SlowActivity, async (_, generation) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return new Payload("from the activity", generation);
        });
    }
}
