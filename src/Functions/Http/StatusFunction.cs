using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Api;
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
        [DurableClient] DurableTaskClient durable) =>
        CallerRoles.Deny(request, ApiRoles.Reader)
        ?? ApiResults.Of(await ProjectApi.StatusAsync(options.Project, new CycleManagerClient(durable), ledger, cycles, clock,
            request.HttpContext.RequestAborted));
}
