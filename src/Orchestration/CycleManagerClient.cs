using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Orchestration;

/// <summary>
/// How hosts talk to a project's cycle manager: start it once (singleton per project), send it signals,
/// read its status, cancel a running cycle's training.
/// </summary>
public sealed class CycleManagerClient(DurableTaskClient client)
{
    /// <summary>Starts the project's manager unless one is already running. Returns true when it started one.</summary>
    public async Task<bool> EnsureStartedAsync(ManagerState initial, CancellationToken ct = default)
    {
        string id = CycleManagerOrchestrator.InstanceIdFor(initial.Project);
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct);
        if (existing is not null && !IsFinished(existing.RuntimeStatus)) return false;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleManagerOrchestrator), initial,
            new StartOrchestrationOptions { InstanceId = id, Version = OrchestrationVersions.Current }, ct);
        await client.WaitForInstanceStartAsync(id, ct);
        return true;
    }

    public Task SignalAsync(string project, ManagerSignal signal, CancellationToken ct = default) =>
        client.RaiseEventAsync(CycleManagerOrchestrator.InstanceIdFor(project), ManagerSignal.EventName, signal, ct);

    public async Task<ManagerStatus?> GetStatusAsync(string project, CancellationToken ct = default)
    {
        var instance = await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: true, ct);
        return instance?.ReadCustomStatusAs<ManagerStatus>();
    }

    public async Task<OrchestrationRuntimeStatus?> GetRuntimeStatusAsync(string project, CancellationToken ct = default) =>
        (await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: false, ct))?.RuntimeStatus;

    /// <summary>Asks every candidate job of a cycle to cancel its training.</summary>
    public async Task CancelCycleAsync(string cycleId, int candidates, string reason, CancellationToken ct = default)
    {
        for (int i = 0; i < candidates; i++)
            await client.RaiseEventAsync(TrainingCycleOrchestrator.JobInstanceId(cycleId, i), TrainingJobOrchestrator.CancelEvent, reason, ct);
    }

    private static bool IsFinished(OrchestrationRuntimeStatus status) => status is OrchestrationRuntimeStatus.Completed
        or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
