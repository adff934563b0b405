using AutoRetrain.Orchestration.Activities;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration;

/// <summary>Registers every orchestrator and activity; both hosts call this.</summary>
public static class OrchestrationRegistry
{
    public static DurableTaskRegistry AddAutoRetrain(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<CycleManagerOrchestrator>()
        .AddOrchestrator<TrainingCycleOrchestrator>()
        .AddOrchestrator<TrainingJobOrchestrator>()
        .AddActivity<RecoverStateActivity>()
        .AddActivity<DecideActivity>()
        .AddActivity<PrepareCycleActivity>()
        .AddActivity<SubmitTrainingActivity>()
        .AddActivity<GetTrainingStatusActivity>()
        .AddActivity<CancelTrainingActivity>()
        .AddActivity<CollectTrainingActivity>()
        .AddActivity<ScoreAndGateActivity>()
        .AddActivity<PromoteActivity>()
        .AddActivity<RecordCycleActivity>();

    public static TaskOptions Retry(int attempts) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(Math.Max(1, attempts), TimeSpan.FromSeconds(2), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromMinutes(1)));
}
