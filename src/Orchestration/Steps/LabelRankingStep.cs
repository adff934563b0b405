using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Api;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The label-next ranking of one champion, stored under <see cref="CycleKeys.LabelRanking"/>: the newest unlabelled tiles
/// at the time, most uncertain first (<see cref="UncertaintyRanking"/>). The API serves it and drops the tiles labelled since.
/// </summary>
public sealed record LabelRanking(string ChampionModelId, DateTimeOffset ComputedAt, int UnlabelledTiles, int Scored,
    IReadOnlyList<TileToLabel> Tiles);

/// <summary>
/// Computes the label-next ranking once per champion, after its promotion (the recording phase calls it), so the API
/// never runs the detector inside a request. Idempotent: a ranking already stored for the champion is returned as is.
/// </summary>
public sealed class LabelRankingStep(IArtifactStore store, ITileLedger ledger, IModelRegistryStore registry, IModelPredictor predictor)
{
    /// <summary>The newest unlabelled tiles scored per ranking.</summary>
    public const int MaxTilesScored = 2000;

    public async Task<LabelRanking> RankAsync(string championModelId, CancellationToken ct)
    {
        if (await ReadAsync(store, championModelId, ct) is { } stored) return stored;
        var model = await registry.GetVersionAsync(championModelId, ct)
            ?? throw new AutoRetrainException($"cannot rank tiles for labelling: model {championModelId} is not in the registry.");

        var unlabelled = (await ledger.ListTilesAsync(ct)).Where(t => t.LabelState == LabelState.Unlabelled).ToList();
        var pool = unlabelled.OrderByDescending(t => t.ArrivedAt).Take(MaxTilesScored).ToList();
        var bySource = pool.ToDictionary(t => t.Id.Value);
        var predictions = pool.Count == 0 ? []
            : await predictor.PredictAsync(model.ArtifactKey,
                [.. pool.Select(t => new SnapshotEntry(t.Id.Value, "", t.Split, t.ImageKey, ""))], ct);
        var ranked = UncertaintyRanking.Rank(predictions.Where(p => bySource.ContainsKey(p.TileId)), pool.Count)
            .Select(r => new TileToLabel(r.Tile.TileId, bySource[r.Tile.TileId].SourceName, bySource[r.Tile.TileId].ImageKey,
                Math.Round(r.Uncertainty, 6), r.Tile.Objects.Count))
            .ToList();

        var ranking = new LabelRanking(championModelId, DateTimeOffset.UtcNow, unlabelled.Count, pool.Count, ranked);
        // Written once: a retried recording that lost the race reads back the ranking that was stored first.
        if (!await store.PutAsync(Containers.Runs, CycleKeys.LabelRanking(championModelId), Encoding.UTF8.GetBytes(Json.Serialize(ranking)),
                overwrite: false, ct))
            return await ReadAsync(store, championModelId, ct) ?? ranking;
        return ranking;
    }

    /// <summary>The ranking stored for the champion, or null when none was computed yet.</summary>
    public static async Task<LabelRanking?> ReadAsync(IArtifactStore store, string championModelId, CancellationToken ct)
    {
        string key = CycleKeys.LabelRanking(championModelId);
        return await store.GetAsync(Containers.Runs, key, ct) is { } bytes
            ? Json.Deserialize<LabelRanking>(Encoding.UTF8.GetString(bytes), $"{Containers.Runs}/{key}")
            : null;
    }
}
