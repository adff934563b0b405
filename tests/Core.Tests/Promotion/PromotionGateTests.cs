using AutoRetrain.Core.Promotion;

namespace AutoRetrain.Core.Tests.Promotion;

public class PromotionGateTests
{
    /// <summary>
    /// A hand-made paired scorer: each validation tile has a score per class for each model, and a class's AP on a
    /// multiset of tiles is the mean of those scores (a stand-in for accumulating per-image detection results).
    /// </summary>
    private sealed class TableScorer(Func<int, string, double> champion, Func<int, string, double> challenger, int tiles,
        string[] championClasses, string[] challengerClasses) : IPairedScorer
    {
        public int TileCount => tiles;

        public PairedScores Score(IReadOnlyList<int> ix) => new(
            new ClassScores(championClasses.ToDictionary(c => c, c => ix.Average(i => champion(i, c)))),
            new ClassScores(challengerClasses.ToDictionary(c => c, c => ix.Average(i => challenger(i, c)))));
    }

    private static readonly string[] Classes = ["plane", "ship"];
    private static readonly PromotionGate Gate = new(new PromotionGateOptions());

    private static double Base(int tile, string cls) => 0.4 + 0.01 * (tile % 7) + (cls == "ship" ? 0.1 : 0);

    [Fact]
    public void Decide_BetterOnEveryTile_Promotes()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + 0.05, 40, Classes, Classes));
        Assert.True(decision.Promote);
        Assert.Equal(0.05, decision.MapGain!.Value, 12);
        Assert.True(decision.MapGainInterval!.Low > 0);
        Assert.StartsWith("promote", decision.Reasons[0]);
    }

    [Fact]
    public void Decide_GainBelowMargin_KeepsChampionNamingTheMargin()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + 0.001, 40, Classes, Classes));
        Assert.False(decision.Promote);
        Assert.Contains(decision.Reasons, r => r.Contains("below the margin"));
    }

    [Fact]
    public void Decide_OneClassRegressesBeyondTolerance_KeepsChampionNamingTheClass()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + (c == "plane" ? 0.3 : -0.1), 40, Classes, Classes));
        Assert.False(decision.Promote);
        Assert.True(decision.MapGain > 0.005);
        Assert.Contains(decision.Reasons, r => r.StartsWith("class ship regresses"));
        Assert.True(Assert.Single(decision.ClassChanges, c => c.Class == "ship").Blocks);
    }

    [Fact]
    public void Decide_SmallClassDropWithinTolerance_Promotes()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + (c == "plane" ? 0.3 : -0.02), 40, Classes, Classes));
        Assert.True(decision.Promote);
    }

    [Fact]
    public void Decide_GainFromOneLuckyTile_NotDistinguishableFromNoise()
    {
        // +1 on one tile of 50: mean gain .02 ≥ margin, but 36 % of resamples miss that tile, so the interval includes 0.
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + (t == 0 ? 1 : 0), 50, Classes, Classes));
        Assert.False(decision.Promote);
        Assert.Contains(decision.Reasons, r => r.Contains("not distinguishable from noise"));
    }

    [Fact]
    public void Decide_ClassNewToChallenger_CannotRegressAndIsLeftOutOfTheGain()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => c == "turbine" ? 0 : Base(t, c) + 0.05, 40, Classes, [.. Classes, "turbine"]));
        Assert.True(decision.Promote);
        Assert.Equal(0.05, decision.MapGain!.Value, 12);
        Assert.Contains(decision.Reasons, r => r.StartsWith("class turbine is new"));
    }

    [Fact]
    public void Decide_ClassAbsentFromSomeResamples_ScoredOnlyWhereItHasGroundTruth()
    {
        // "rare" has ground truth on tile 0 only; resamples without tile 0 report it as NaN (as an evaluator would).
        var scorer = new NaNAwareScorer();
        var decision = Gate.Decide(scorer);
        Assert.True(decision.Promote);
        Assert.True(double.IsFinite(decision.MapGain!.Value));
        Assert.False(Assert.Single(decision.ClassChanges, c => c.Class == "rare").Blocks);
    }

    private sealed class NaNAwareScorer : IPairedScorer
    {
        public int TileCount => 30;

        public PairedScores Score(IReadOnlyList<int> ix)
        {
            var rare = ix.Contains(0) ? 0.5 : double.NaN;
            return new(
                new ClassScores(new Dictionary<string, double> { ["plane"] = ix.Average(i => Base(i, "plane")), ["rare"] = rare }),
                new ClassScores(new Dictionary<string, double> { ["plane"] = ix.Average(i => Base(i, "plane") + 0.1), ["rare"] = rare }));
        }
    }

    [Fact]
    public void Decide_SameSeed_SameDecision()
    {
        var scorer = new TableScorer(Base, (t, c) => Base(t, c) + 0.01 * (t % 3 - 0.5), 40, Classes, Classes);
        Assert.Equal(Gate.Decide(scorer).MapGainInterval, Gate.Decide(scorer).MapGainInterval);
    }

    [Fact]
    public void PromotionDecision_JsonRoundTrip_KeepsIntervalsAndReasons()
    {
        var decision = Gate.Decide(new TableScorer(Base, (t, c) => Base(t, c) + 0.05, 40, Classes, Classes));
        var back = Json.Deserialize<PromotionDecision>(Json.Serialize(decision), "decision.json");
        Assert.Equal(decision.MapGainInterval, back.MapGainInterval);
        Assert.Equal(decision.Reasons, back.Reasons);
        Assert.Equal(decision.ClassChanges, back.ClassChanges);
    }

    [Fact]
    public void Constructor_TooFewResamples_ThrowsSayingHowMany() =>
        Assert.Contains("at least 100", Assert.Throws<AutoRetrainException>(() => new PromotionGate(new PromotionGateOptions { BootstrapResamples = 5 })).Message);

    [Theory]
    [InlineData(0.3, true)]
    [InlineData(0.01, false)]
    public void FirstModel_PromotedOnlyAboveMinimum(double map, bool promoted)
    {
        var decision = Gate.FirstModel(new ClassScores(new Dictionary<string, double> { ["plane"] = map }));
        Assert.Equal(promoted, decision.Promote);
        Assert.StartsWith("first model", Assert.Single(decision.Reasons));
    }

    // Earlier data: tiles 0..29 are the ones the champion was validated on, 30..79 arrived with the new batch.
    private static readonly int[] Earlier = Enumerable.Range(0, 30).ToArray();

    [Fact]
    public void Decide_BetterOverallButWorseOnEarlierData_KeepsChampionWithTheEvidence()
    {
        // Much better on the 50 new tiles, 0.06 worse on the 30 earlier ones: the pooled gain is real, the fall too.
        var scorer = new TableScorer(Base, (t, c) => Base(t, c) + (t < 30 ? -0.06 : 0.15), 80, Classes, Classes);
        var pooled = Gate.Decide(scorer);
        Assert.True(pooled.Promote);
        Assert.Null(pooled.EarlierData);

        var decision = Gate.Decide(scorer, Earlier);
        Assert.False(decision.Promote);
        Assert.Equal("keep the champion: the challenger is worse on earlier data", decision.Reasons[0]);
        var check = decision.EarlierData!;
        Assert.Equal(30, check.Tiles);
        Assert.Equal(-0.06, check.Change, 12);
        Assert.True(check.Blocks);
        Assert.True(check.Interval.High < 0);
        Assert.Contains(decision.Reasons, r => r.StartsWith("earlier data (30 validation tiles") && r.Contains("beyond the tolerance 0.020"));
    }

    [Fact]
    public void Decide_FallOnEarlierDataWithinTolerance_Promotes()
    {
        var scorer = new TableScorer(Base, (t, c) => Base(t, c) + (t < 30 ? -0.01 : 0.15), 80, Classes, Classes);
        var decision = Gate.Decide(scorer, Earlier);
        Assert.True(decision.Promote);
        Assert.False(decision.EarlierData!.Blocks);
        Assert.Contains(decision.Reasons, r => r.StartsWith("earlier data (30 validation tiles") && r.Contains("change -0.010"));
    }

    [Fact]
    public void Decide_TooFewEarlierTiles_NotCheckedAndSaidSo()
    {
        var scorer = new TableScorer(Base, (t, c) => Base(t, c) + (t < 30 ? -0.06 : 0.15), 80, Classes, Classes);
        var decision = Gate.Decide(scorer, Earlier.Take(5).ToArray());
        Assert.True(decision.Promote);
        Assert.Null(decision.EarlierData);
        Assert.Contains(decision.Reasons, r => r.Contains("fewer than 20; not checked"));
    }
}
