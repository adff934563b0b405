using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>GET /api/quarantine[?reasonCode=OutOfBounds]</c>: refused inputs with their reasons, oldest first. Each entry's key
/// names the blob in the <c>quarantine</c> container; <c>&lt;key&gt;.reason.json</c> beside it holds the full reason.
/// </summary>
public sealed class QuarantineFunction(ITileLedger ledger)
{
    // Not "code": that is the function-key query parameter of the Functions host.
    [Function(nameof(ListQuarantine))]
    public async Task<IActionResult> ListQuarantine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "quarantine")] HttpRequest request) =>
        CallerRoles.Deny(request, ApiRoles.Reader)
        ?? ApiResults.Of(await ProjectApi.QuarantineAsync(ledger, request.Query["reasonCode"], request.HttpContext.RequestAborted));
}
