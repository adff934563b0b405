using AutoRetrain.Core.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary><c>GET /api/models</c>: the champion, how the pointer moved, and every model version with its lineage and metrics.</summary>
public sealed class ModelsFunction(IModelRegistryStore registry)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> ListModels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        var champion = await registry.GetChampionAsync(ct);
        var versions = await registry.ListVersionsAsync(ct);
        return ApiResults.Ok(new ModelsResponse(champion.ModelId, champion.History, versions));
    }
}
