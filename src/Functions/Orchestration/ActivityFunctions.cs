using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Activities;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace AutoRetrain.Functions.Orchestration;

/// <summary>
/// The shared activities of src/Orchestration as Durable Functions activity triggers, named after their classes.
/// Each wrapper builds the activity class from the function's services (it needs <see cref="ICycleSteps"/>) and runs it.
/// The decision and record wrappers also publish the decision and cycle metrics, which the shared orchestration code
/// cannot do itself (it knows no telemetry); a retried activity can publish a point twice.
/// </summary>
public static class ActivityFunctions
{
    [Function(nameof(RecoverStateActivity))]
    public static Task<ManagerState> RecoverState([ActivityTrigger] ManagerState input, FunctionContext function) =>
        Run<RecoverStateActivity, ManagerState, ManagerState>(function, input);

    [Function(nameof(DecideActivity))]
    public static async Task<RetrainDecision> Decide([ActivityTrigger] DecideInput input, FunctionContext function)
    {
        var decision = await Run<DecideActivity, DecideInput, RetrainDecision>(function, input);
        function.InstanceServices.GetService<PipelineMetrics>()?.Decision(decision.Retrain, decision.Reasons);
        return decision;
    }

    [Function(nameof(PrepareCycleActivity))]
    public static Task<PreparedCycle> PrepareCycle([ActivityTrigger] PrepareInput input, FunctionContext function) =>
        Run<PrepareCycleActivity, PrepareInput, PreparedCycle>(function, input);

    [Function(nameof(SubmitTrainingActivity))]
    public static Task<string> SubmitTraining([ActivityTrigger] TrainingJobInput input, FunctionContext function) =>
        Run<SubmitTrainingActivity, TrainingJobInput, string>(function, input);

    [Function(nameof(GetTrainingStatusActivity))]
    public static Task<TrainingJobStatus> GetTrainingStatus([ActivityTrigger] string jobId, FunctionContext function) =>
        Run<GetTrainingStatusActivity, string, TrainingJobStatus>(function, jobId);

    [Function(nameof(CancelTrainingActivity))]
    public static Task<bool> CancelTraining([ActivityTrigger] string jobId, FunctionContext function) =>
        Run<CancelTrainingActivity, string, bool>(function, jobId);

    [Function(nameof(CollectTrainingActivity))]
    public static Task<TrainingJobResult> CollectTraining([ActivityTrigger] CollectInput input, FunctionContext function) =>
        Run<CollectTrainingActivity, CollectInput, TrainingJobResult>(function, input);

    [Function(nameof(ScoreAndGateActivity))]
    public static Task<GateVerdict> ScoreAndGate([ActivityTrigger] ScoreInput input, FunctionContext function) =>
        Run<ScoreAndGateActivity, ScoreInput, GateVerdict>(function, input);

    [Function(nameof(PromoteActivity))]
    public static Task<string> Promote([ActivityTrigger] PromoteInput input, FunctionContext function) =>
        Run<PromoteActivity, PromoteInput, string>(function, input);

    [Function(nameof(RecordCycleActivity))]
    public static async Task<bool> RecordCycle([ActivityTrigger] RecordInput input, FunctionContext function)
    {
        bool recorded = await Run<RecordCycleActivity, RecordInput, bool>(function, input);
        if (function.InstanceServices.GetService<PipelineMetrics>() is { } metrics) CycleTelemetry.Record(metrics, input.Record);
        return recorded;
    }

    private static Task<TOutput> Run<TActivity, TInput, TOutput>(FunctionContext function, TInput input)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(function.InstanceServices);
        string instanceId = function.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? "" : "";
        return activity.RunAsync(new FunctionActivityContext(new TaskName(function.FunctionDefinition.Name), instanceId), input);
    }

    private sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;
        public override string InstanceId { get; } = instanceId;
    }
}
