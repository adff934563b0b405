using DurableTask.Core;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>An orchestration service that hands every call to another; adapters override what they change.</summary>
internal abstract class OrchestrationServiceDecorator(IOrchestrationService inner) : IOrchestrationService
{
    protected IOrchestrationService Inner { get; } = inner;

    public virtual Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        Inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);

    public virtual int TaskOrchestrationDispatcherCount => Inner.TaskOrchestrationDispatcherCount;
    public virtual int MaxConcurrentTaskOrchestrationWorkItems => Inner.MaxConcurrentTaskOrchestrationWorkItems;
    public virtual BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => Inner.EventBehaviourForContinueAsNew;
    public virtual int TaskActivityDispatcherCount => Inner.TaskActivityDispatcherCount;
    public virtual int MaxConcurrentTaskActivityWorkItems => Inner.MaxConcurrentTaskActivityWorkItems;
    public virtual Task StartAsync() => Inner.StartAsync();
    public virtual Task StopAsync() => Inner.StopAsync();
    public virtual Task StopAsync(bool isForced) => Inner.StopAsync(isForced);
    public virtual Task CreateAsync() => Inner.CreateAsync();
    public virtual Task CreateAsync(bool recreateInstanceStore) => Inner.CreateAsync(recreateInstanceStore);
    public virtual Task CreateIfNotExistsAsync() => Inner.CreateIfNotExistsAsync();
    public virtual Task DeleteAsync() => Inner.DeleteAsync();
    public virtual Task DeleteAsync(bool deleteInstanceStore) => Inner.DeleteAsync(deleteInstanceStore);
    public virtual bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        Inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public virtual int GetDelayInSecondsAfterOnProcessException(Exception exception) => Inner.GetDelayInSecondsAfterOnProcessException(exception);
    public virtual int GetDelayInSecondsAfterOnFetchException(Exception exception) => Inner.GetDelayInSecondsAfterOnFetchException(exception);
    public virtual Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public virtual Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public virtual Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public virtual Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    public virtual Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        Inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public virtual Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => Inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public virtual Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        Inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public virtual Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => Inner.AbandonTaskActivityWorkItemAsync(workItem);
}
