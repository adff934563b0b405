using AutoRetrain.Core;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Orchestration;

/// <summary>
/// How hosts talk to a project's cycle manager: start it once (singleton per project), send it signals,
/// read its status, wait for a cycle to finish, cancel a running cycle's training.
/// </summary>
public sealed class CycleManagerClient(DurableTaskClient client)
{
    /// <summary>
    /// Starts the project's manager unless one is already running. Returns true when it started one. A concurrent caller
    /// that started it between this call's check and its start is no failure: the manager is there, which is all it needs.
    /// </summary>
    public async Task<bool> EnsureStartedAsync(ManagerState initial, CancellationToken ct = default)
    {
        if (await IsRunningAsync(initial.Project, ct)) return false;
        string id = CycleManagerOrchestrator.InstanceIdFor(initial.Project);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(CycleManagerOrchestrator), initial,
                new StartOrchestrationOptions { InstanceId = id, Version = OrchestrationVersions.Current }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (await IsRunningAsync(initial.Project, ct)) return false;
            throw;
        }
        await client.WaitForInstanceStartAsync(id, ct);
        return true;
    }

    /// <summary>True when the project's manager exists and has not finished (running, pending, suspended).</summary>
    public async Task<bool> IsRunningAsync(string project, CancellationToken ct = default) =>
        await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: false, ct) is { } instance
        && !IsFinished(instance.RuntimeStatus);

    public Task SignalAsync(string project, ManagerSignal signal, CancellationToken ct = default) =>
        client.RaiseEventAsync(CycleManagerOrchestrator.InstanceIdFor(project), ManagerSignal.EventName, signal, ct);

    public async Task<ManagerStatus?> GetStatusAsync(string project, CancellationToken ct = default)
    {
        var instance = await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: true, ct);
        return instance?.ReadCustomStatusAs<ManagerStatus>();
    }

    public async Task<OrchestrationRuntimeStatus?> GetRuntimeStatusAsync(string project, CancellationToken ct = default) =>
        (await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: false, ct))?.RuntimeStatus;

    /// <summary>
    /// Waits until the training cycle <paramref name="cycleId"/> has finished (its orchestration completed: every step,
    /// the recording included, is done) and returns its result. The manager records its decision before it starts the
    /// cycle, so a caller that learnt the id from the decision may come first: the wait begins when the cycle exists.
    /// </summary>
    public async Task<CycleResult> WaitForCycleAsync(string cycleId, CancellationToken ct = default)
    {
        string id = CycleManagerOrchestrator.CycleInstanceIdFor(cycleId);
        while (await client.GetInstanceAsync(id, getInputsAndOutputs: false, ct) is null)
            await Task.Delay(CycleAppearancePoll, ct);
        var finished = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, ct);
        if (finished.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new AutoRetrainException($"the training cycle {cycleId} ended {finished.RuntimeStatus}" +
                (finished.FailureDetails is { } failure ? $": {failure.ErrorMessage}" : "") + "; its cause is in the host's log.");
        return finished.ReadOutputAs<CycleResult>()
            ?? throw new AutoRetrainException($"the training cycle {cycleId} completed without a result.");
    }

    /// <summary>True while the cycle's orchestration has not finished; false once it has, or when this backend never ran it.</summary>
    public async Task<bool> IsCycleRunningAsync(string cycleId, CancellationToken ct = default) =>
        await client.GetInstanceAsync(CycleManagerOrchestrator.CycleInstanceIdFor(cycleId), getInputsAndOutputs: false, ct) is { } instance
        && !IsFinished(instance.RuntimeStatus);

    private static readonly TimeSpan CycleAppearancePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks every candidate job of a cycle to cancel its training.</summary>
    public async Task CancelCycleAsync(string cycleId, int candidates, string reason, CancellationToken ct = default)
    {
        for (int i = 0; i < candidates; i++)
            await client.RaiseEventAsync(TrainingCycleOrchestrator.JobInstanceId(cycleId, i), TrainingJobOrchestrator.CancelEvent, reason, ct);
    }

    private static bool IsFinished(OrchestrationRuntimeStatus status) => status is OrchestrationRuntimeStatus.Completed
        or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
