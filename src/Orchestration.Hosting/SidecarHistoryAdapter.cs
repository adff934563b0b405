using DurableTask.Core;
using DurableTask.Core.History;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>
/// The orchestration service as the sidecar's dispatchers see it: the backend, except that history events the sidecar
/// made as its own subclasses are handed over as the Durable Task types they extend. The sidecar records a started
/// sub-orchestration as a <c>GrpcSubOrchestrationInstanceCreatedEvent</c>, a subclass without <c>[DataContract]</c>;
/// the Azure Storage provider writes history rows from the <c>[DataContract]</c> members of the runtime type only, so
/// it wrote an empty row (no EventType) and the parent orchestration could never load its history again. The
/// in-memory backend keeps objects and never noticed. Every checkpoint is also shown to an optional observer (tests
/// measure how long a generation's history grows).
/// </summary>
internal sealed class SidecarHistoryAdapter(IOrchestrationService inner, Action<OrchestrationRuntimeState>? onCheckpoint = null)
    : OrchestrationServiceDecorator(inner)
{
    public override Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        Normalize(newOrchestrationRuntimeState.NewEvents);
        Normalize(newOrchestrationRuntimeState.Events);
        if (onCheckpoint is not null)
        {
            // On ContinueAsNew the work item holds the generation that ended and the new state the one that starts.
            onCheckpoint(workItem.OrchestrationRuntimeState);
            if (!ReferenceEquals(workItem.OrchestrationRuntimeState, newOrchestrationRuntimeState)) onCheckpoint(newOrchestrationRuntimeState);
        }
        return base.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }

    /// <summary>Replaces each event of a type the backend cannot store by its Durable Task base type, in place.</summary>
    internal static void Normalize(IList<HistoryEvent> events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                };
            }
        }
    }
}
