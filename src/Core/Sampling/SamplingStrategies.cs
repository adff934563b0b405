namespace AutoRetrain.Core.Sampling;

/// <summary>Builds a strategy from its name in <c>TrainingConfig.Sampler</c> ("uniform", "repeat-factor*active-bias", …) with default settings.</summary>
public static class SamplingStrategies
{
    public static readonly IReadOnlyList<string> Names =
    [
        UniformSampling.StrategyName, RepeatFactorSampling.StrategyName, CurriculumSampling.StrategyName,
        ActiveBiasSampling.StrategyName, HardExampleMiningSampling.StrategyName, ReplaySampling.StrategyName,
    ];

    /// <summary>What the strategy choice picks from by default: each strategy alone plus the LVIS-style pairing
    /// of repeat-factor sampling with active bias.</summary>
    public static readonly IReadOnlyList<string> DefaultMenu =
        [.. Names, $"{RepeatFactorSampling.StrategyName}{ComposedSampling.Separator}{ActiveBiasSampling.StrategyName}"];

    public static ISamplingStrategy Parse(string spec)
    {
        var parts = spec.Split(ComposedSampling.Separator, StringSplitOptions.TrimEntries).Select(One).ToList();
        return parts.Count == 1 ? parts[0] : new ComposedSampling(parts);
    }

    private static ISamplingStrategy One(string name) => name switch
    {
        UniformSampling.StrategyName => new UniformSampling(),
        RepeatFactorSampling.StrategyName => new RepeatFactorSampling(),
        CurriculumSampling.StrategyName => new CurriculumSampling(),
        ActiveBiasSampling.StrategyName => new ActiveBiasSampling(),
        HardExampleMiningSampling.StrategyName => new HardExampleMiningSampling(),
        ReplaySampling.StrategyName => new ReplaySampling(),
        _ => throw new AutoRetrainException(
            $"Sampler \"{name}\" is unknown; use one of {string.Join(", ", Names)}, or several joined by '{ComposedSampling.Separator}'."),
    };
}
