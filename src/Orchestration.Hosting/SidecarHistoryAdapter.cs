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
    : IOrchestrationService
{
    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
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
        return inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
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

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;
    public Task StartAsync() => inner.StartAsync();
    public Task StopAsync() => inner.StopAsync();
    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);
    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
