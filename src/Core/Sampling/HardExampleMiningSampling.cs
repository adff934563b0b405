namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Hard-example mining by the previous cycle's loss: weight = clamp(loss / mean loss, floor, cap). The cap is
/// what keeps label noise from dominating: a mislabelled tile has a high loss forever, and without a cap it
/// would be drawn ever more often. Tiles without a loss (new arrivals) count as median difficulty.
/// </summary>
public sealed class HardExampleMiningSampling(double cap = 3, double floor = 0.25) : ISamplingStrategy
{
    public const string StrategyName = "hard-mining";

    public string Name => StrategyName;

    public double Cap { get; } = cap >= 1 ? cap : throw new AutoRetrainException($"Hard-example mining: cap {cap} must be ≥ 1.");

    public double Floor { get; } = floor is >= 0 and <= 1
        ? floor
        : throw new AutoRetrainException($"Hard-example mining: floor {floor} must lie in [0, 1].");

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var losses = LedgerReadings.LatestLosses(input);
        var mean = losses?.Average() ?? 0;
        if (losses is null || mean <= 0)
            return new UniformSampling().Weigh(input);
        return input.Tiles.Select((t, i) => new TileWeight(t.TileId, Math.Clamp(losses[i] / mean, Floor, Cap))).ToList();
    }
}
