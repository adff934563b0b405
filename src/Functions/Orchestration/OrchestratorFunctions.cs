using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace AutoRetrain.Functions.Orchestration;

/// <summary>
/// The shared orchestrators of src/Orchestration, exposed as Durable Functions under their class names (the names
/// they call each other by). Thin hand-written wrappers instead of the DurableTask source generator, so the shared
/// classes stay free of Functions attributes; the orchestration code runs unchanged.
/// </summary>
public static class OrchestratorFunctions
{
    [Function(nameof(CycleManagerOrchestrator))]
    public static Task<ManagerState> CycleManager([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CycleManagerOrchestrator().RunAsync(context, InputOf<ManagerState>(context));

    [Function(nameof(TrainingCycleOrchestrator))]
    public static Task<CycleResult> TrainingCycle([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new TrainingCycleOrchestrator().RunAsync(context, InputOf<CycleRequest>(context));

    [Function(nameof(TrainingJobOrchestrator))]
    public static Task<TrainingJobResult> TrainingJob([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new TrainingJobOrchestrator().RunAsync(context, InputOf<TrainingJobInput>(context));

    private static T InputOf<T>(TaskOrchestrationContext context) =>
        context.GetInput<T>() ?? throw new AutoRetrain.Core.AutoRetrainException(
            $"orchestration {context.Name} ({context.InstanceId}) was started without its {typeof(T).Name} input.");
}
