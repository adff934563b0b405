using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Policy;

/// <summary>
/// Measures whether the champion does worse on newly arrived labelled tiles than on validation: the drop
/// (validation AP − AP on the new tiles) with a percentile bootstrap interval over the new tiles, so that a
/// few unlucky tiles do not look like drift. The validation AP is taken as fixed (the validation split is the
/// larger, settled sample).
/// </summary>
public static class PerformanceDriftEstimator
{
    /// <param name="validationAp">The champion's AP on the validation split.</param>
    /// <param name="newTiles">Number of new labelled tiles, indexed 0..n-1.</param>
    /// <param name="apOnTiles">The champion's AP on a multiset of new-tile indices (from the detection evaluator).</param>
    public static ChampionDrift Estimate(double validationAp, int newTiles, Func<IReadOnlyList<int>, double> apOnTiles,
        Random random, int resamples = 1000, double confidence = 0.95)
    {
        if (newTiles < 1)
            throw new AutoRetrainException("Performance drift: no new labelled tiles to score the champion on.");
        var observed = apOnTiles(Enumerable.Range(0, newTiles).ToArray());
        var drops = new double[resamples];
        for (var b = 0; b < resamples; b++)
            drops[b] = validationAp - apOnTiles(Bootstrap.Resample(newTiles, random));
        return new ChampionDrift(validationAp, observed, newTiles, Bootstrap.PercentileInterval(drops, confidence));
    }
}
