using AutoRetrain.Core.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary><c>GET /api/cycles</c> (every cycle of the project, oldest first) and <c>GET /api/cycles/{cycleId}</c> (one full record).</summary>
public sealed class CyclesFunctions(PipelineOptions options, ICycleStore cycles)
{
    [Function(nameof(ListCycles))]
    public async Task<IActionResult> ListCycles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles")] HttpRequest request)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var records = await cycles.ListAsync(options.Project, request.HttpContext.RequestAborted);
        return ApiResults.Ok(new CyclesResponse(options.Project, [.. records.Select(CycleSummaryView.Of)]));
    }

    [Function(nameof(GetCycle))]
    public async Task<IActionResult> GetCycle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cycles/{cycleId}")] HttpRequest request,
        string cycleId)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var record = await cycles.GetAsync(cycleId, request.HttpContext.RequestAborted);
        if (record is null || record.Project != options.Project)
            return ApiResults.Error(ApiResults.StatusCodes.NotFound, "cycleNotFound",
                $"project {options.Project} has no cycle \"{cycleId}\"; GET /api/cycles lists them.");
        return ApiResults.Ok(record);
    }
}
