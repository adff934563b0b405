using AutoRetrain.Core.Policy;

namespace AutoRetrain.Core.Tests.Policy;

public class PerformanceDriftEstimatorTests
{
    [Fact]
    public void Estimate_UniformlyWorseTiles_DropIsExactAndIntervalTight()
    {
        var drift = PerformanceDriftEstimator.Estimate(0.8, 12, _ => 0.6, new Random(1));
        Assert.Equal(0.2, drift.Drop, 12);
        Assert.Equal(0.2, drift.DropInterval.Low, 12);
        Assert.Equal(0.2, drift.DropInterval.High, 12);
    }

    [Fact]
    public void Estimate_OneBadTileAmongMany_IntervalReachesZero()
    {
        // 29 tiles at the validation AP and one at 0: the mean drops by 0.8/30, but resamples without the bad
        // tile (probability (29/30)^30 ≈ 36 %) show no drop at all, so the interval's low end is 0.
        var scores = Enumerable.Range(0, 30).Select(i => i == 0 ? 0.0 : 0.8).ToArray();
        var drift = PerformanceDriftEstimator.Estimate(0.8, 30, ix => ix.Average(i => scores[i]), new Random(2));
        Assert.Equal(0.8 / 30, drift.Drop, 12);
        Assert.Equal(0, drift.DropInterval.Low, 12);
        Assert.False(drift.DropInterval.IsAbove(0));
    }
}

public class StrategySelectorTests
{
    [Fact]
    public void Choose_UntriedStrategy_ExploredFirst()
    {
        var choice = new StrategySelector().Choose(["uniform", "repeat-factor"], [new StrategyOutcome("uniform", 0.02, 10_000)]);
        Assert.Equal("repeat-factor", Assert.Single(choice).Strategy);
        Assert.Contains("never tried", choice[0].Reason);
    }

    [Fact]
    public void Choose_Ucb1_HandComputedScoresAndOrder()
    {
        // Rewards (gain per 1,000 steps, 10,000 steps each): A .002 .004, B .001; N = 3, scale = .004 − .001 = .003.
        // UCB(A) = .003 + .003·√(2 ln 3 / 2) = .0061444; UCB(B) = .001 + .003·√(2 ln 3) = .0054469.
        var history = new[] { new StrategyOutcome("A", 0.02, 10_000), new StrategyOutcome("A", 0.04, 10_000), new StrategyOutcome("B", 0.01, 10_000) };
        var choices = new StrategySelector().Choose(["B", "A"], history, count: 2);
        Assert.Equal(["A", "B"], choices.Select(c => c.Strategy));
        Assert.Equal(0.003 + 0.003 * Math.Sqrt(Math.Log(3)), choices[0].Score!.Value, 12);
        Assert.Equal(0.001 + 0.003 * Math.Sqrt(2 * Math.Log(3)), choices[1].Score!.Value, 12);
    }

    [Fact]
    public void Candidates_ThreeAsked_BaseConfigWithEachChosenSampler()
    {
        var menu = Core.Sampling.SamplingStrategies.DefaultMenu;
        var history = menu.Skip(1).Select((s, i) => new StrategyOutcome(s, 0.01 * i, 10_000)).ToList();
        var plans = new StrategySelector().Candidates(new Core.Cycles.TrainingConfig { Epochs = 7 }, menu, history, 3);
        Assert.Equal(3, plans.Count);
        Assert.Equal(menu[0], plans[0].Config.Sampler); // never tried, so explored first
        Assert.All(plans, p => Assert.Equal(7, p.Config.Epochs));
        Assert.All(plans, p => Core.Sampling.SamplingStrategies.Parse(p.Config.Sampler));
        Assert.Equal(3, plans.Select(p => p.Config.Sampler).Distinct().Count());
    }

    [Fact]
    public void Choose_NoCandidatesAsked_Throws() =>
        Assert.Throws<AutoRetrainException>(() => new StrategySelector().Choose(["A"], [], count: 0));
}
