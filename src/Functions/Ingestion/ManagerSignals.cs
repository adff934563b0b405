using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>Hands a signal to the project's cycle manager, starting the manager when absent (the blob trigger, the repair timer).</summary>
public static class ManagerSignals
{
    public static async Task SendAsync(DurableTaskClient durable, PipelineOptions options, ManagerSignal signal, CancellationToken ct)
    {
        var manager = new CycleManagerClient(durable);
        try
        {
            await manager.EnsureStartedAsync(options.InitialManagerState(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A concurrent delivery may have started the manager between our check and our start: then it is there,
            // which is all we need; otherwise the failure stands (and the delivery is retried).
            if (await manager.GetRuntimeStatusAsync(options.Project, ct) is not (OrchestrationRuntimeStatus.Running
                or OrchestrationRuntimeStatus.Pending)) throw;
        }
        await manager.SignalAsync(options.Project, signal, ct);
    }
}
