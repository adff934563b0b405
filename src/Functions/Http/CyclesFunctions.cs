using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary><c>GET /api/cycles</c> (every cycle of the project, oldest first) and <c>GET /api/cycles/{cycleId}</c> (one full record).</summary>
public sealed class CyclesFunctions(PipelineOptions options, ICycleStore cycles)
{
    [Function(nameof(ListCycles))]
    public async Task<IActionResult> ListCycles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles")] HttpRequest request) =>
        CallerRoles.Deny(request, ApiRoles.Reader) ?? ApiResults.Of(await ProjectApi.CyclesAsync(options.Project, cycles, request.HttpContext.RequestAborted));

    [Function(nameof(GetCycle))]
    public async Task<IActionResult> GetCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles/{cycleId}")] HttpRequest request,
        string cycleId) =>
        CallerRoles.Deny(request, ApiRoles.Reader) ?? ApiResults.Of(await ProjectApi.CycleAsync(options.Project, cycles, cycleId, request.HttpContext.RequestAborted));
}
