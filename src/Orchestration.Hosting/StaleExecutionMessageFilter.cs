using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>
/// Drops the messages a work item carries for an execution of its instance that has ended. A wait that a signal wins
/// leaves its durable timer pending; after a ContinueAsNew that timer still fires, addressed to the old execution.
/// The in-memory backend hands it to the new one (its dispatcher's message filter is a TODO), where it completed the
/// task holding the same id: an activity then "returned" the timer's result. The Azure Storage provider drops such
/// messages itself, so on that backend this filter finds nothing to do.
/// </summary>
internal sealed class StaleExecutionMessageFilter(IOrchestrationService inner, ILogger logger) : OrchestrationServiceDecorator(inner)
{
    public override async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await base.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null) DropStale(workItem);
        return workItem!;
    }

    /// <summary>Removes the responses (timer, activity, sub-orchestration) addressed to another execution than the current one.</summary>
    private void DropStale(TaskOrchestrationWorkItem workItem)
    {
        string? current = workItem.NewMessages.Select(m => m.Event).OfType<ExecutionStartedEvent>().LastOrDefault()?.OrchestrationInstance?.ExecutionId
            ?? workItem.OrchestrationRuntimeState?.OrchestrationInstance?.ExecutionId;
        if (current is null) return;
        for (int i = workItem.NewMessages.Count - 1; i >= 0; i--)
        {
            var message = workItem.NewMessages[i];
            if (!IsResponse(message.Event) || message.OrchestrationInstance?.ExecutionId is not { Length: > 0 } execution || execution == current)
                continue;
            logger.LogDebug("Dropped {Event} for ended execution {Execution} of {Instance} (current {Current})",
                message.Event.EventType, execution, workItem.InstanceId, current);
            workItem.NewMessages.RemoveAt(i);
        }
    }

    private static bool IsResponse(HistoryEvent e) => e.EventType is EventType.TimerFired or EventType.TaskCompleted or EventType.TaskFailed
        or EventType.SubOrchestrationInstanceCompleted or EventType.SubOrchestrationInstanceFailed;
}
