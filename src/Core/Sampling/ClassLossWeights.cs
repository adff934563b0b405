namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Class-balanced loss weights by the effective number of samples (Cui et al. 2019): a class with n
/// objects has effective number Eₙ = (1 − βⁿ)/(1 − β) and weight w = (1 − β)/(1 − βⁿ), normalised so the
/// weights sum to the number of classes. These are LOSS weights per class (the trainer multiplies each
/// object's classification loss by its class's weight), not tile sampling weights.
/// File <c>class-loss-weights.json</c>: <c>{"beta":0.999,"weights":{"plane":0.4,"ship":2.6}}</c>; a class
/// missing from it has weight 1.
/// </summary>
public sealed record ClassLossWeights(double Beta, IReadOnlyDictionary<string, double> Weights)
{
    public const double DefaultBeta = 0.999;

    public static double EffectiveNumber(int count, double beta) => (1 - Math.Pow(beta, count)) / (1 - beta);

    /// <summary>Weights from object counts per class. A class with no object counts as one (the largest weight).</summary>
    public static ClassLossWeights FromCounts(IReadOnlyDictionary<string, int> objectsPerClass, double beta = DefaultBeta)
    {
        if (beta is < 0 or >= 1)
            throw new AutoRetrainException($"Class-balanced loss: beta {beta} must lie in [0, 1).");
        if (objectsPerClass.Count == 0)
            throw new AutoRetrainException("Class-balanced loss: no classes to weigh.");
        var raw = objectsPerClass.ToDictionary(kv => kv.Key, kv => 1 / EffectiveNumber(Math.Max(1, kv.Value), beta));
        var scale = raw.Count / raw.Values.Sum();
        return new ClassLossWeights(beta, raw.ToDictionary(kv => kv.Key, kv => kv.Value * scale));
    }

    public string ToJson() => Json.Serialize(this);

    public static ClassLossWeights FromJson(string json, string source)
    {
        var weights = Json.Deserialize<ClassLossWeights>(json, source);
        if (weights.Weights is null || weights.Weights.Values.Any(w => !double.IsFinite(w) || w < 0))
            throw new AutoRetrainException($"{source}: every class loss weight must be a finite number ≥ 0.");
        return weights;
    }
}
