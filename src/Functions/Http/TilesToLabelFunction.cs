using System.Globalization;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>GET /api/tiles/to-label[?limit=20]</c>: unlabelled tiles ranked by the champion's uncertainty
/// (<see cref="UncertaintyRanking"/>), for the labelling team. The newest <see cref="MaxTilesScored"/> unlabelled tiles
/// are scored on each call with the registered <see cref="IModelPredictor"/>.
/// </summary>
public sealed class TilesToLabelFunction(ITileLedger ledger, IModelRegistryStore registry, IModelPredictor? predictor = null)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 500;
    public const int MaxTilesScored = 2000;

    [Function(nameof(TilesToLabel))]
    public async Task<IActionResult> TilesToLabel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tiles/to-label")] HttpRequest request)
    {
        if (CallerRoles.Deny(request, ApiRoles.Reader) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        int limit = DefaultLimit;
        string? limitText = request.Query["limit"];
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return ApiResults.Error(ApiResults.StatusCodes.BadRequest, "invalidLimit",
                $"limit must be a whole number from 1 to {MaxLimit}; got \"{limitText}\".");

        var champion = await registry.GetChampionAsync(ct);
        if (champion.ModelId is not { } modelId)
            return ApiResults.Error(ApiResults.StatusCodes.Conflict, "noChampion",
                "tiles are ranked by the champion model's uncertainty, and no model has been promoted yet.");
        var model = await registry.GetVersionAsync(modelId, ct);
        if (model is null)
            return ApiResults.Error(ApiResults.StatusCodes.Conflict, "championMissing",
                $"the champion pointer names model {modelId}, which is not in the registry.");
        if (predictor is null)
            return ApiResults.Error(ApiResults.StatusCodes.ServiceUnavailable, "noPredictor",
                "this app has no model predictor registered (IModelPredictor), so it cannot score tiles.");

        var unlabelled = (await ledger.ListTilesAsync(ct)).Where(t => t.LabelState == LabelState.Unlabelled).ToList();
        var pool = unlabelled.OrderByDescending(t => t.ArrivedAt).Take(MaxTilesScored).ToList();
        var bySource = pool.ToDictionary(t => t.Id.Value);
        var predictions = pool.Count == 0 ? []
            : await predictor.PredictAsync(model.ArtifactKey,
                [.. pool.Select(t => new SnapshotEntry(t.Id.Value, "", t.Split, t.ImageKey, ""))], ct);

        var ranked = UncertaintyRanking.Rank(predictions.Where(p => bySource.ContainsKey(p.TileId)), limit)
            .Select(r => new TileToLabel(r.Tile.TileId, bySource[r.Tile.TileId].SourceName, bySource[r.Tile.TileId].ImageKey,
                Math.Round(r.Uncertainty, 6), r.Tile.Objects.Count))
            .ToList();
        return ApiResults.Ok(new TilesToLabelResponse(modelId, unlabelled.Count, pool.Count, ranked));
    }
}
