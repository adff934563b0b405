using AutoRetrain.Core.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>GET /api/quarantine[?code=OutOfBounds]</c>: refused inputs with their reasons, oldest first. Each entry's key
/// names the blob in the <c>quarantine</c> container; <c>&lt;key&gt;.reason.json</c> beside it holds the full reason.
/// </summary>
public sealed class QuarantineFunction(ITileLedger ledger)
{
    [Function(nameof(ListQuarantine))]
    public async Task<IActionResult> ListQuarantine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "quarantine")] HttpRequest request)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        var entries = await ledger.ListQuarantineAsync(ct);
        var byCode = entries.GroupBy(e => e.Code).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        // Not "code": that is the function-key query parameter of the Functions host.
        string? reasonCode = request.Query["reasonCode"];
        var shown = string.IsNullOrEmpty(reasonCode) ? entries : [.. entries.Where(e => e.Code == reasonCode)];
        return ApiResults.Ok(new QuarantineResponse(entries.Count, byCode, shown));
    }
}
