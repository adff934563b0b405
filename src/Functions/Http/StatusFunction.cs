using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Http;

/// <summary><c>GET /api/status</c>: counts, pending tiles, the last decision and its reasons, the running cycle's progress.</summary>
public sealed class StatusFunction(PipelineOptions options, ITileLedger ledger, ICycleStore cycles, IClock clock)
{
    [Function(nameof(GetStatus))]
    public async Task<IActionResult> GetStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "status")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        var manager = new CycleManagerClient(durable);
        var runtime = await manager.GetRuntimeStatusAsync(options.Project, ct);
        var status = runtime is null ? null : await manager.GetStatusAsync(options.Project, ct);
        var counts = await ledger.GetCountsAsync(ct);

        RunningCycleView? running = null;
        if (status?.RunningCycle is { } cycleId)
        {
            var record = await cycles.GetAsync(cycleId, ct);
            running = record is null
                ? new RunningCycleView(cycleId, "starting", null, null, [], new Dictionary<string, double>())
                : new RunningCycleView(cycleId, record.Status.ToString(), record.StartedAt, (clock.UtcNow - record.StartedAt).TotalSeconds,
                    record.TriggerReasons, record.DurationsSeconds);
        }

        var view = new ManagerView(
            State: StateOf(runtime, status),
            Paused: status?.Paused ?? false,
            CyclesStarted: status?.CyclesStarted ?? 0,
            SignalsReceived: status?.SignalsReceived ?? 0,
            ChampionModelId: status?.ChampionModelId,
            LastDecision: status?.LastDecision,
            LastDecisionReasons: status?.LastDecisionReasons ?? [],
            Pending: status?.Pending ?? new PendingCounts());
        var tiles = new TileCounts(counts.Tiles, counts.Labelled, counts.Tiles - counts.Labelled, counts.PendingLabels,
            counts.Quarantined, counts.QuarantinedByCode);
        return ApiResults.Ok(new StatusResponse(options.Project, view, tiles, running));
    }

    private static string StateOf(OrchestrationRuntimeStatus? runtime, ManagerStatus? status) => runtime switch
    {
        null => "notStarted",
        _ when status?.Stopped == true => "stopped",
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending => status?.Paused == true ? "paused" : "running",
        { } other => other.ToString().ToLowerInvariant(),
    };
}
