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

    /// <summary>Both models on the validation tiles the champion was itself validated on; null when not checked.</summary>
    public EarlierDataCheck? EarlierData { get; init; }
}

/// <summary>
/// Champion and challenger on earlier data: the validation tiles the champion's own snapshot held. The gate's main
/// comparison pools every validation tile, and each batch's new ones can outweigh the earlier ones; this check keeps a
/// promotion from trading the earlier data away (issue 16, the holdout finding).
/// </summary>
public sealed record EarlierDataCheck(int Tiles, double ChampionMap, double ChallengerMap, ConfidenceInterval Interval, bool Blocks)
{
    public double Change => ChallengerMap - ChampionMap;
}
