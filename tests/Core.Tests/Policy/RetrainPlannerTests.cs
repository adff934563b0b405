using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Policy;

namespace AutoRetrain.Core.Tests.Policy;

public class RetrainPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RetrainPlanner Planner = new(new RetrainPolicy(new RetrainPolicyOptions()), new StrategySelector(),
        ["uniform", "repeat-factor", "active-bias"], candidates: 2);

    [Fact]
    public void Plan_Retrain_TwoCandidatesWithReasons()
    {
        var input = new PolicyInput { Now = Now, NewLabelledTiles = 30, NewClassCounts = new Dictionary<string, int> { ["plane"] = 90 } };
        var plan = Planner.Plan(input, [new StrategyOutcome("uniform", 0.01, 10_000)], new TrainingConfig());
        Assert.True(plan.Decision.Retrain);
        Assert.Equal(["repeat-factor", "active-bias"], plan.Candidates.Select(c => c.Config.Sampler));
        Assert.Contains(plan.Reasons, r => r.StartsWith("strategy repeat-factor"));
        Assert.Equal([42, 43], plan.Candidates.Select(c => c.Config.Seed));
    }

    [Fact]
    public void Plan_Wait_NoCandidates()
    {
        var plan = Planner.Plan(new PolicyInput { Now = Now }, [], new TrainingConfig());
        Assert.False(plan.Decision.Retrain);
        Assert.Empty(plan.Candidates);
    }

    [Fact]
    public void Plan_ForcedWhilePolicyWaits_RetrainsWithTheForceReasonFirst()
    {
        var plan = Planner.Plan(new PolicyInput { Now = Now }, [], new TrainingConfig(), forceReason: "operator asked");
        Assert.False(plan.Decision.Retrain);
        Assert.True(plan.Retrain);
        Assert.Equal("operator asked", plan.Reasons[0]);
        Assert.Equal(2, plan.Candidates.Count);
    }
}
