using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Promotion;

/// <summary>A class's AP change from champion to challenger, with its bootstrap interval.</summary>
public sealed record ClassChange(string Class, double ChampionAp, double ChallengerAp, ConfidenceInterval Interval, bool Blocks)
{
    public double Delta => ChallengerAp - ChampionAp;
}

/// <summary>The gate's verdict and, always, the reasons a user reads in the status API and the report.</summary>
public sealed record PromotionDecision
{
    public required bool Promote { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
    public double ChallengerMap { get; init; }
    public double? ChampionMap { get; init; }
    public double? MapGain { get; init; }
    public ConfidenceInterval? MapGainInterval { get; init; }
    public IReadOnlyList<ClassChange> ClassChanges { get; init; } = [];
}
