using AutoRetrain.Core;
namespace AutoRetrain.Synthetic;

/// <summary>
/// How often each class is drawn. The default is a power law over the long-tail order,
/// weight(rank k) = (k + 1)^-exponent, so the head class is 7^exponent times as frequent as the
/// rarest (≈ 130× at the default 2.5): the imbalance of real overhead datasets.
/// </summary>
public sealed record ClassMix(IReadOnlyDictionary<string, double> Weights)
{
    public const double DefaultExponent = 2.5;

    public static ClassMix PowerLaw(double exponent = DefaultExponent)
    {
        if (exponent < 0 || !double.IsFinite(exponent))
            throw new AutoRetrainException($"the long-tail exponent must be a finite number ≥ 0, got {exponent}.");
        return new(SyntheticClasses.All.Select((c, rank) => (c.Name, Weight: Math.Pow(rank + 1, -exponent)))
            .ToDictionary(x => x.Name, x => x.Weight));
    }

    public double WeightOf(string name) => Weights.TryGetValue(name, out double w) ? w : 0;

    /// <summary>A class that does not exist yet in the world (a stream's future new class).</summary>
    public ClassMix Without(string name) => new(Weights.ToDictionary(kv => kv.Key, kv => kv.Key == name ? 0 : kv.Value));

    /// <summary>A class that becomes as common as the current head.</summary>
    public ClassMix AsCommonAsHead(string name)
    {
        double head = Weights.Values.Max();
        return new(Weights.ToDictionary(kv => kv.Key, kv => kv.Key == name ? head : kv.Value));
    }

    /// <summary>Weights normalised to sum to 1, in the classes' long-tail order (for manifests).</summary>
    public IReadOnlyDictionary<string, double> Shares()
    {
        double total = Weights.Values.Sum();
        return SyntheticClasses.All.ToDictionary(c => c.Name, c => total > 0 ? Math.Round(WeightOf(c.Name) / total, 4) : 0);
    }
}
