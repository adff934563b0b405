using AutoRetrain.Core.Ports;

namespace AutoRetrain.Orchestration.Api;

/// <summary>
/// Active learning for the labelling team: a tile is as uncertain as the champion's least decided detection on it.
/// A detection scored s contributes 1 − |2s − 1| (1 at s = 0.5, 0 at s = 0 or 1); a tile with no detection scores 0.
/// </summary>
public static class UncertaintyRanking
{
    public static double UncertaintyOf(TilePredictions predictions) =>
        predictions.Objects.Count == 0 ? 0 : predictions.Objects.Max(o => 1 - Math.Abs(2 * Math.Clamp(o.Score, 0, 1) - 1));

    /// <summary>Most uncertain first; ties by tile id, so the order is stable between calls.</summary>
    public static IReadOnlyList<(TilePredictions Tile, double Uncertainty)> Rank(IEnumerable<TilePredictions> predictions, int limit) =>
        [.. predictions.Select(p => (p, UncertaintyOf(p)))
            .OrderByDescending(t => t.Item2)
            .ThenBy(t => t.p.TileId, StringComparer.Ordinal)
            .Take(limit)];
}
