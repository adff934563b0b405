using AutoRetrain.Core.Sampling;
using static AutoRetrain.Core.Tests.Sampling.SamplingTestData;

namespace AutoRetrain.Core.Tests.Sampling;

public class SamplingStrategyTests
{
    [Fact]
    public void UniformSampling_AnyTiles_WeightOneFromEpochZero()
    {
        var weights = new UniformSampling().Weigh(WithLosses(3, 1));
        Assert.All(weights, w => Assert.Equal(new TileWeight(w.TileId, 1, 0), w));
    }

    // Ten tiles, all with "a" (f = 1); tile 0 also has "b" (f = 0.1); tiles 1-4 also "c" (f = 0.4). With t = 0.9:
    // r(a) = max(1, √0.9) = 1, r(b) = √(0.9/0.1) = 3, r(c) = √(0.9/0.4) = 1.5; a tile takes the max of its classes.
    private static readonly IReadOnlyList<SamplingTile> RepeatFactorTiles = Enumerable.Range(0, 10).Select(i =>
        i == 0 ? Tile("t0", ("a", 2), ("b", 1)) : i <= 4 ? Tile($"t{i}", ("a", 1), ("c", 3)) : Tile($"t{i}", ("a", 1))).ToList();

    [Fact]
    public void RepeatFactorSampling_ClassFactors_MatchLvisFormula()
    {
        var factors = new RepeatFactorSampling(0.9).ClassRepeatFactors(RepeatFactorTiles);
        Assert.Equal(1.0, factors["a"], 12);
        Assert.Equal(3.0, factors["b"], 12);
        Assert.Equal(1.5, factors["c"], 12);
    }

    [Fact]
    public void RepeatFactorSampling_TileFactor_IsMaxOverItsClasses() =>
        Assert.Equal([3.0, 1.5, 1.5, 1.5, 1.5, 1, 1, 1, 1, 1], new RepeatFactorSampling(0.9).TileRepeatFactors(RepeatFactorTiles));

    [Fact]
    public void RepeatFactorSampling_StochasticRounding_IntegersWithExpectedValueOfFactor()
    {
        var strategy = new RepeatFactorSampling(0.9);
        var draws = Enumerable.Range(0, 4000)
            .Select(seed => strategy.Weigh(new SamplingInput { Tiles = RepeatFactorTiles, Seed = seed })).ToList();
        Assert.All(draws, d => Assert.Equal(3, d[0].Weight));
        Assert.All(draws, d => Assert.Contains(d[1].Weight, new[] { 1.0, 2.0 }));
        Assert.Equal(1.5, draws.Average(d => d[1].Weight), 1);
    }

    [Fact]
    public void RepeatFactorSampling_SameSeed_SameWeights()
    {
        var input = new SamplingInput { Tiles = RepeatFactorTiles, Seed = 9 };
        Assert.Equal(new RepeatFactorSampling(0.9).Weigh(input), new RepeatFactorSampling(0.9).Weigh(input));
    }

    [Fact]
    public void ClassBalancedLoss_EffectiveNumber_MatchesCuiFormula()
    {
        // β = 0.9: E1 = (1 − 0.9)/(1 − 0.9) = 1, E2 = (1 − 0.81)/0.1 = 1.9; weights ∝ 1/E, scaled to sum to 2.
        Assert.Equal(1.9, ClassLossWeights.EffectiveNumber(2, 0.9), 12);
        var weights = ClassLossWeights.FromCounts(new Dictionary<string, int> { ["rare"] = 1, ["common"] = 2 }, 0.9);
        Assert.Equal(2 * 1.9 / 2.9, weights.Weights["rare"], 12);
        Assert.Equal(2 / 2.9, weights.Weights["common"], 12);
    }

    [Fact]
    public void ClassBalancedLoss_Json_RoundTrips()
    {
        var weights = ClassLossWeights.FromCounts(new Dictionary<string, int> { ["a"] = 10, ["b"] = 1000 });
        var back = ClassLossWeights.FromJson(weights.ToJson(), "class-loss-weights.json");
        Assert.Equal(weights.Beta, back.Beta);
        Assert.Equal(weights.Weights, back.Weights);
    }

    [Fact]
    public void CurriculumSampling_LossRanking_EntersEasyFirstAtLinearPace()
    {
        // Losses .4 .1 .3 .2 over 4 epochs, start share .5, ramp R = 2 epochs: g(0) = .5 → 2 easiest tiles,
        // g(1) = .75 → 3 tiles, g(2) = 1 → all four.
        var weights = new CurriculumSampling(0.5, 0.5).Weigh(WithLosses(0.4, 0.1, 0.3, 0.2));
        Assert.Equal([2, 0, 1, 0], weights.Select(w => w.FromEpoch));
        Assert.All(weights, w => Assert.Equal(1, w.Weight));
    }

    [Fact]
    public void CurriculumSampling_NoHistory_FallsBackToUniform() =>
        Assert.All(new CurriculumSampling().Weigh(new SamplingInput { Tiles = [Tile("x", ("a", 1))] }), w => Assert.Equal(0, w.FromEpoch));

    [Fact]
    public void ActiveBiasSampling_PredictionStd_MatchesChangEtAlFormula()
    {
        // H = (.2, .6): unbiased var = .08, std̂ = √(.08 + .08²/(2 − 1)) = √.0864
        Assert.Equal(Math.Sqrt(0.0864), ActiveBiasSampling.PredictionStd([0.2, 0.6])!.Value, 12);
        Assert.Equal(0, ActiveBiasSampling.PredictionStd([0.5, 0.5, 0.5])!.Value, 12);
        Assert.Null(ActiveBiasSampling.PredictionStd([0.5]));
    }

    [Fact]
    public void ActiveBiasSampling_Weights_AreStdPlusEpsilonNormalised()
    {
        var input = new SamplingInput
        {
            Tiles = [Tile("swing"), Tile("steady"), Tile("new")],
            Histories = new[] { ProbabilityHistory("swing", 0.2, 0.6), ProbabilityHistory("steady", 0.5, 0.5, 0.5) }.ToDictionary(h => h.TileId),
        };
        var weights = new ActiveBiasSampling(0.05).Weigh(input);
        Assert.Equal((Math.Sqrt(0.0864) + 0.05) / 0.05, weights[0].Weight / weights[1].Weight, 9);
        Assert.Equal(1, weights.Average(w => w.Weight), 12);
        // A tile without history sits at the mean of the others.
        Assert.Equal((weights[0].Weight + weights[1].Weight) / 2, weights[2].Weight, 12);
    }

    [Fact]
    public void HardExampleMining_LossOverMean_ClampedBetweenFloorAndCap()
    {
        // Mean loss 4: ratios .25 .5 .75 2.5 → floor .3 and cap 2.
        var weights = new HardExampleMiningSampling(cap: 2, floor: 0.3).Weigh(WithLosses(1, 2, 3, 10));
        Assert.Equal([0.3, 0.5, 0.75, 2], weights.Select(w => Math.Round(w.Weight, 12)));
    }

    [Fact]
    public void ReplaySampling_NewTilesAllKept_OldTilesStratifiedByDominantClass()
    {
        var tiles = new List<SamplingTile>
        {
            Tile("new1", ("ship", 1)) with { IsNew = true }, Tile("new2", ("plane", 1)) with { IsNew = true },
            Tile("rare-ship", ("ship", 3), ("plane", 1)),
        };
        tiles.AddRange(Enumerable.Range(0, 6).Select(i => Tile($"plane{i}", ("plane", 2))));
        var weights = new ReplaySampling(0.3).Weigh(new SamplingInput { Tiles = tiles, Seed = 5 }).ToDictionary(w => w.TileId, w => w.Weight);

        Assert.Equal(1, weights["new1"]);
        Assert.Equal(1, weights["new2"]);
        Assert.Equal(1, weights["rare-ship"]); // ⌈0.3 · 1⌉ = 1: a rare stratum keeps a tile
        Assert.Equal(2, Enumerable.Range(0, 6).Sum(i => weights[$"plane{i}"])); // ⌈0.3 · 6⌉ = 2
    }

    [Fact]
    public void ComposedSampling_UniformTimesHardMining_KeepsUniformTotalAndHardMiningProportions()
    {
        var input = WithLosses(1, 2, 3, 10);
        var composed = (ComposedSampling)SamplingStrategies.Parse("uniform*hard-mining");
        var weights = composed.Weigh(input);
        var alone = new HardExampleMiningSampling().Weigh(input);
        Assert.Equal("uniform*hard-mining", composed.Name);
        Assert.Equal(4, weights.Sum(w => w.Weight), 12);
        Assert.Equal(alone[3].Weight / alone[0].Weight, weights[3].Weight / weights[0].Weight, 12);
    }

    [Fact]
    public void ComposedSampling_CurriculumTimesRepeatFactor_TakesLatestEntryEpoch()
    {
        var input = WithLosses(0.4, 0.1, 0.3, 0.2);
        var weights = SamplingStrategies.Parse("repeat-factor*curriculum").Weigh(input);
        Assert.Equal([2, 0, 1, 0], weights.Select(w => w.FromEpoch));
    }

    [Fact]
    public void SamplingStrategies_UnknownName_ThrowsNamingTheChoices()
    {
        var error = Assert.Throws<AutoRetrainException>(() => SamplingStrategies.Parse("focal"));
        Assert.Contains("repeat-factor", error.Message);
    }
}
