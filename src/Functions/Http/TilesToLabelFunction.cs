using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>GET /api/tiles/to-label[?limit=20]</c>: unlabelled tiles ranked by the champion's uncertainty
/// (<see cref="UncertaintyRanking"/>), for the labelling team, served from the ranking stored after the champion's
/// promotion (<see cref="ProjectApi.TilesToLabelAsync"/>); the request never runs the detector.
/// </summary>
public sealed class TilesToLabelFunction(ITileLedger ledger, IModelRegistryStore registry, IArtifactStore store)
{
    public const int DefaultLimit = ProjectApi.DefaultToLabelLimit;
    public const int MaxLimit = ProjectApi.MaxToLabelLimit;

    [Function(nameof(TilesToLabel))]
    public async Task<IActionResult> TilesToLabel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tiles/to-label")] HttpRequest request) =>
        CallerRoles.Deny(request, ApiRoles.Reader)
        ?? ApiResults.Of(await ProjectApi.TilesToLabelAsync(ledger, registry, store, request.Query["limit"], request.HttpContext.RequestAborted));
}
