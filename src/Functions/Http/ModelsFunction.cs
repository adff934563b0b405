using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary><c>GET /api/models</c>: the champion, how the pointer moved, and every model version with its lineage and metrics.</summary>
public sealed class ModelsFunction(IModelRegistryStore registry)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> ListModels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request) =>
        CallerRoles.Deny(request, ApiRoles.Reader) ?? ApiResults.Of(await ProjectApi.ModelsAsync(registry, request.HttpContext.RequestAborted));
}
