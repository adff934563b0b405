namespace AutoRetrain.Core.Statistics;

/// <summary>Distances between two class distributions given as counts per class.</summary>
public static class Distributions
{
    /// <summary>Counts turned into probabilities over the union of both key sets (missing classes are 0).</summary>
    public static (double[] P, double[] Q, string[] Classes) Align(
        IReadOnlyDictionary<string, int> p, IReadOnlyDictionary<string, int> q)
    {
        var classes = p.Keys.Union(q.Keys).Order(StringComparer.Ordinal).ToArray();
        return (Normalise(classes, p), Normalise(classes, q), classes);
    }

    /// <summary>Total-variation distance ½ Σ |p − q|, in [0, 1].</summary>
    public static double TotalVariation(IReadOnlyDictionary<string, int> p, IReadOnlyDictionary<string, int> q)
    {
        var (a, b, _) = Align(p, q);
        return 0.5 * a.Zip(b, (x, y) => Math.Abs(x - y)).Sum();
    }

    /// <summary>
    /// Jensen–Shannon divergence with base-2 logarithms, in [0, 1]: ½ KL(p‖m) + ½ KL(q‖m), m = (p+q)/2.
    /// Unlike KL it is finite when a class is missing from one side, which is exactly the case of a new class.
    /// </summary>
    public static double JensenShannon(IReadOnlyDictionary<string, int> p, IReadOnlyDictionary<string, int> q)
    {
        var (a, b, _) = Align(p, q);
        double divergence = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var m = (a[i] + b[i]) / 2;
            divergence += 0.5 * KlTerm(a[i], m) + 0.5 * KlTerm(b[i], m);
        }
        return divergence;
    }

    private static double KlTerm(double p, double m) => p == 0 ? 0 : p * Math.Log2(p / m);

    private static double[] Normalise(string[] classes, IReadOnlyDictionary<string, int> counts)
    {
        double total = counts.Values.Sum();
        if (total <= 0)
            throw new AutoRetrainException("Class distribution: the counts are empty; a distance needs at least one object on each side.");
        return classes.Select(c => counts.GetValueOrDefault(c) / total).ToArray();
    }
}
