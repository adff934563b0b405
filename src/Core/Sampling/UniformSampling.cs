namespace AutoRetrain.Core.Sampling;

/// <summary>Every tile once per epoch: the baseline every other strategy is measured against.</summary>
public sealed class UniformSampling : ISamplingStrategy
{
    public const string StrategyName = "uniform";

    public string Name => StrategyName;

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input) =>
        input.Tiles.Select(t => new TileWeight(t.TileId, 1)).ToList();
}
