namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Active bias (Chang, Learned-Miller and McCallum 2017, "SGD weighted by prediction variance"): tiles whose
/// true-class probability has swung across the history are the uncertain ones worth seeing more. With
/// H the history of a tile's (mean) true-class probability and var̂ its unbiased sample variance,
/// std̂ = √(var̂ + var̂² / (|H| − 1)) and the sampling weight is std̂ + ε (ε keeps every tile in play).
/// A tile with fewer than two points gets the mean weight of the others; weights average 1.
/// </summary>
public sealed class ActiveBiasSampling(double epsilon = ActiveBiasSampling.DefaultEpsilon) : ISamplingStrategy
{
    public const double DefaultEpsilon = 0.05;
    public const string StrategyName = "active-bias";

    public string Name => StrategyName;

    public double Epsilon { get; } = epsilon >= 0
        ? epsilon
        : throw new AutoRetrainException($"Active bias sampling: epsilon {epsilon} must be ≥ 0.");

    /// <summary>std̂ with the paper's confidence correction; null with fewer than two points.</summary>
    public static double? PredictionStd(IReadOnlyList<double> history)
    {
        if (history.Count < 2)
            return null;
        var mean = history.Average();
        var variance = history.Sum(p => (p - mean) * (p - mean)) / (history.Count - 1);
        return Math.Sqrt(variance + variance * variance / (history.Count - 1));
    }

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var raw = input.Tiles.Select(t =>
            PredictionStd(input.Histories.GetValueOrDefault(t.TileId)?.TrueClassProbabilityHistory ?? []) + Epsilon).ToArray();
        var known = raw.Where(w => w.HasValue).Select(w => w!.Value).ToArray();
        if (known.Length == 0)
            return new UniformSampling().Weigh(input);
        var fallback = known.Average();
        return LedgerReadings.NormalisedToMeanOne(input, raw.Select(w => w ?? fallback).ToList());
    }
}
