namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Strategies applied together, e.g. repeat-factor × active bias: weights multiply, a tile enters at the latest
/// of its entry epochs, and the total is rescaled to the first strategy's total so the epoch keeps the length
/// the first strategy gave it. Named "a*b" as in <c>TrainingConfig.Sampler</c>.
/// </summary>
public sealed class ComposedSampling : ISamplingStrategy
{
    public const char Separator = '*';

    public ComposedSampling(IReadOnlyList<ISamplingStrategy> parts)
    {
        if (parts.Count == 0)
            throw new AutoRetrainException("Composed sampling: at least one strategy is needed.");
        Parts = parts;
    }

    public IReadOnlyList<ISamplingStrategy> Parts { get; }

    public string Name => string.Join(Separator, Parts.Select(p => p.Name));

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var results = Parts.Select(p => p.Weigh(input)).ToList();
        var combined = input.Tiles.Select((t, i) => new TileWeight(t.TileId,
            results.Aggregate(1.0, (w, r) => w * r[i].Weight),
            results.Max(r => r[i].FromEpoch))).ToList();
        var target = results[0].Sum(w => w.Weight);
        var total = combined.Sum(w => w.Weight);
        return total <= 0 ? combined : combined.Select(w => w with { Weight = w.Weight * target / total }).ToList();
    }
}
