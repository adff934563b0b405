using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>GET /api/tiles/to-label[?limit=20]</c>: unlabelled tiles ranked by the champion's uncertainty
/// (<see cref="UncertaintyRanking"/>), for the labelling team, scored with the registered <see cref="IModelPredictor"/>
/// (<see cref="ProjectApi.TilesToLabelAsync"/>).
/// </summary>
public sealed class TilesToLabelFunction(ITileLedger ledger, IModelRegistryStore registry, IModelPredictor? predictor = null)
{
    public const int DefaultLimit = ProjectApi.DefaultToLabelLimit;
    public const int MaxLimit = ProjectApi.MaxToLabelLimit;
    public const int MaxTilesScored = ProjectApi.MaxTilesScored;

    [Function(nameof(TilesToLabel))]
    public async Task<IActionResult> TilesToLabel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tiles/to-label")] HttpRequest request) =>
        CallerRoles.Deny(request, ApiRoles.Reader)
        ?? ApiResults.Of(await ProjectApi.TilesToLabelAsync(ledger, registry, predictor, request.Query["limit"], request.HttpContext.RequestAborted));
}
