using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Sampling;

/// <summary>What the loss-driven strategies read from the sample ledger, with one rule for tiles it does not know yet.</summary>
internal static class LedgerReadings
{
    /// <summary>
    /// Each tile's latest loss. A tile never trained on (a new arrival) gets the median of the known losses:
    /// neither the easiest nor the hardest, so it is neither starved nor over-weighted before it has a record.
    /// Null when no tile has a loss yet (first cycle).
    /// </summary>
    public static double[]? LatestLosses(SamplingInput input)
    {
        var known = input.Tiles.Select(t => input.Histories.GetValueOrDefault(t.TileId)?.LatestLoss).ToArray();
        var values = known.Where(l => l.HasValue).Select(l => l!.Value).Order().ToArray();
        if (values.Length == 0)
            return null;
        var median = Bootstrap.Percentile(values, 0.5);
        return known.Select(l => l ?? median).ToArray();
    }

    /// <summary>Weights scaled so that they average 1 (the epoch keeps its length).</summary>
    public static IReadOnlyList<TileWeight> NormalisedToMeanOne(SamplingInput input, IReadOnlyList<double> weights)
    {
        var mean = weights.Count == 0 ? 0 : weights.Average();
        return input.Tiles.Select((t, i) => new TileWeight(t.TileId, mean > 0 ? weights[i] / mean : 1)).ToList();
    }
}
