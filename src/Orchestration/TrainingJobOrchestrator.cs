using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Activities;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration;

/// <summary>
/// One candidate's training: submit, then follow the job with the monitor pattern (durable timers with
/// back-off, a deadline, and a "cancel" event that stops the job), then collect the model.
/// Instance id: <c>&lt;cycle-id&gt;-job-&lt;n&gt;</c>, so a cancel command can reach it.
/// </summary>
public sealed class TrainingJobOrchestrator : TaskOrchestrator<TrainingJobInput, TrainingJobResult>
{
    public const string CancelEvent = "cancel";

    public override async Task<TrainingJobResult> RunAsync(TaskOrchestrationContext context, TrainingJobInput input)
    {
        var logger = context.CreateReplaySafeLogger<TrainingJobOrchestrator>();
        var retry = OrchestrationRegistry.Retry(input.Manager.ActivityAttempts);
        var started = context.CurrentUtcDateTime;
        var deadline = started + input.Manager.TrainingDeadline;

        string jobId = await context.CallActivityAsync<string>(nameof(SubmitTrainingActivity), input, retry);
        logger.LogTrainingSubmitted(input.CycleId, input.Candidate, jobId);

        using var cancelWait = new CancellationTokenSource();
        var cancelRequested = context.WaitForExternalEvent<string>(CancelEvent, cancelWait.Token);
        var interval = input.Manager.PollInterval;
        // Bounded by the deadline: the job is cancelled once it passes.
        var status = await context.CallActivityAsync<TrainingJobStatus>(nameof(GetTrainingStatusActivity), jobId, retry);
        while (!status.IsTerminal)
        {
            var now = context.CurrentUtcDateTime;
            if (now >= deadline)
                return await CancelAsync(context, input, jobId, started, retry,
                    $"training exceeded its deadline of {input.Manager.TrainingDeadline} and was cancelled");

            var fireAt = now + interval < deadline ? now + interval : deadline;
            using var timerCancel = new CancellationTokenSource();
            var timer = context.CreateTimer(fireAt, timerCancel.Token);
            var winner = await Task.WhenAny(timer, cancelRequested);
            if (winner == cancelRequested)
            {
                timerCancel.Cancel();
                return await CancelAsync(context, input, jobId, started, retry,
                    $"training cancelled on request: {await cancelRequested}");
            }
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * input.Manager.PollBackoff), input.Manager.MaxPollInterval.Ticks));
            status = await context.CallActivityAsync<TrainingJobStatus>(nameof(GetTrainingStatusActivity), jobId, retry);
        }
        cancelWait.Cancel();

        double seconds = (context.CurrentUtcDateTime - started).TotalSeconds;
        if (status.State != TrainingJobState.Completed)
            return Failed(input, jobId, seconds, $"training job {jobId} ended {status.State}: {status.Message}");
        return await context.CallActivityAsync<TrainingJobResult>(nameof(CollectTrainingActivity),
            new CollectInput(input, jobId, seconds), retry);
    }

    private static async Task<TrainingJobResult> CancelAsync(TaskOrchestrationContext context, TrainingJobInput input, string jobId,
        DateTime started, TaskOptions retry, string why)
    {
        await context.CallActivityAsync<bool>(nameof(CancelTrainingActivity), jobId, retry);
        return Failed(input, jobId, (context.CurrentUtcDateTime - started).TotalSeconds, why);
    }

    private static TrainingJobResult Failed(TrainingJobInput input, string jobId, double seconds, string error) =>
        new(input.Candidate, jobId, ModelId: "", Succeeded: false, error, seconds, new Dictionary<string, double>());
}
