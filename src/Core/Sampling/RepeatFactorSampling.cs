namespace AutoRetrain.Core.Sampling;

/// <summary>
/// LVIS repeat-factor sampling (Gupta et al. 2019): a class c present in a fraction f(c) of the tiles gets
/// r(c) = max(1, √(t / f(c))); a tile repeats r = max over its classes of r(c) times per epoch, rounded
/// stochastically (⌊r⌋ plus one more with probability r − ⌊r⌋) so the expected count is exactly r.
/// Rare classes are seen more often without the loss being re-weighted.
/// </summary>
public sealed class RepeatFactorSampling(double threshold = RepeatFactorSampling.DefaultThreshold) : ISamplingStrategy
{
    /// <summary>
    /// The LVIS paper's t (0.001 there, for 1,000+ classes). With a handful of classes the rare ones sit in a few
    /// per cent of the tiles, so t must be larger to matter: bench/results/sampling-rare-class.json measures t = 0.5.
    /// A larger t also lengthens each epoch (the trainer draws Σ r tiles), so the default stays at 0.1.
    /// </summary>
    public const double DefaultThreshold = 0.1;

    public const string StrategyName = "repeat-factor";

    public string Name => StrategyName;

    public double Threshold { get; } = threshold > 0 && threshold <= 1
        ? threshold
        : throw new AutoRetrainException($"Repeat-factor sampling: threshold {threshold} must lie in (0, 1].");

    /// <summary>r(c) for every class that occurs in at least one tile.</summary>
    public IReadOnlyDictionary<string, double> ClassRepeatFactors(IReadOnlyList<SamplingTile> tiles)
    {
        var tilesWithClass = new Dictionary<string, int>();
        foreach (var tile in tiles)
            foreach (var (cls, count) in tile.ClassCounts)
                if (count > 0)
                    tilesWithClass[cls] = tilesWithClass.GetValueOrDefault(cls) + 1;
        return tilesWithClass.ToDictionary(kv => kv.Key,
            kv => Math.Max(1.0, Math.Sqrt(Threshold / ((double)kv.Value / tiles.Count))));
    }

    /// <summary>The real-valued repeat factor of each tile (1 for a tile without objects).</summary>
    public IReadOnlyList<double> TileRepeatFactors(IReadOnlyList<SamplingTile> tiles)
    {
        var classFactors = ClassRepeatFactors(tiles);
        return tiles.Select(t => t.ClassCounts.Where(kv => kv.Value > 0)
            .Select(kv => classFactors[kv.Key]).DefaultIfEmpty(1.0).Max()).ToList();
    }

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var random = new Random(input.Seed);
        var factors = TileRepeatFactors(input.Tiles);
        return input.Tiles.Select((t, i) => new TileWeight(t.TileId, StochasticRound(factors[i], random))).ToList();
    }

    public static int StochasticRound(double value, Random random)
    {
        var floor = Math.Floor(value);
        return (int)floor + (random.NextDouble() < value - floor ? 1 : 0);
    }
}
