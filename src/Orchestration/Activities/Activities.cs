using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration.Activities;

// Thin activities: each forwards to one step of ICycleSteps, which holds the logic and the I/O.

public sealed class RecoverStateActivity(ICycleSteps steps) : TaskActivity<ManagerState, ManagerState>
{
    public override Task<ManagerState> RunAsync(TaskActivityContext context, ManagerState input) =>
        steps.RecoverStateAsync(input, CancellationToken.None);
}

public sealed class DecideActivity(ICycleSteps steps) : TaskActivity<DecideInput, RetrainDecision>
{
    public override Task<RetrainDecision> RunAsync(TaskActivityContext context, DecideInput input) =>
        steps.DecideAsync(input, CancellationToken.None);
}

public sealed class PrepareCycleActivity(ICycleSteps steps) : TaskActivity<PrepareInput, PreparedCycle>
{
    public override Task<PreparedCycle> RunAsync(TaskActivityContext context, PrepareInput input) =>
        steps.PrepareAsync(input, CancellationToken.None);
}

public sealed class SubmitTrainingActivity(ICycleSteps steps) : TaskActivity<TrainingJobInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, TrainingJobInput input) =>
        steps.SubmitTrainingAsync(input, CancellationToken.None);
}

public sealed class GetTrainingStatusActivity(ICycleSteps steps) : TaskActivity<string, TrainingJobStatus>
{
    public override Task<TrainingJobStatus> RunAsync(TaskActivityContext context, string jobId) =>
        steps.GetTrainingStatusAsync(jobId, CancellationToken.None);
}

public sealed class CancelTrainingActivity(ICycleSteps steps) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string jobId)
    {
        await steps.CancelTrainingAsync(jobId, CancellationToken.None);
        return true;
    }
}

public sealed class CollectTrainingActivity(ICycleSteps steps) : TaskActivity<CollectInput, TrainingJobResult>
{
    public override Task<TrainingJobResult> RunAsync(TaskActivityContext context, CollectInput input) =>
        steps.CollectTrainingAsync(input, CancellationToken.None);
}

public sealed class ScoreAndGateActivity(ICycleSteps steps) : TaskActivity<ScoreInput, GateVerdict>
{
    public override Task<GateVerdict> RunAsync(TaskActivityContext context, ScoreInput input) =>
        steps.ScoreAndGateAsync(input, CancellationToken.None);
}

public sealed class PromoteActivity(ICycleSteps steps) : TaskActivity<PromoteInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, PromoteInput input) =>
        steps.PromoteAsync(input, CancellationToken.None);
}

public sealed class RecordCycleActivity(ICycleSteps steps) : TaskActivity<RecordInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordInput input)
    {
        await steps.RecordAsync(input, CancellationToken.None);
        return true;
    }
}
