using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Tests.Policy;

public class RetrainPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetrainPolicy Policy = new(new RetrainPolicyOptions());

    /// <summary>A champion trained two days ago on 1000 tiles; 10 new tiles in the training mix: below every threshold.</summary>
    private static readonly PolicyInput Quiet = new()
    {
        Now = Now,
        LastCycleAt = Now.AddDays(-2),
        HasChampion = true,
        TrainingTiles = 1000,
        TrainingClassCounts = new Dictionary<string, int> { ["plane"] = 2500, ["ship"] = 2400, ["helicopter"] = 100 },
        NewLabelledTiles = 10,
        NewClassCounts = new Dictionary<string, int> { ["plane"] = 25, ["ship"] = 24, ["helicopter"] = 1 },
    };

    private static IReadOnlyList<PolicySignal> Signals(RetrainDecision d) => d.Reasons.Select(r => r.Signal).ToList();

    [Fact]
    public void Decide_BelowEveryThreshold_WaitsAnHourAndSaysSo()
    {
        var decision = Policy.Decide(Quiet);
        Assert.False(decision.Retrain);
        Assert.Equal([PolicySignal.BelowThresholds], Signals(decision));
        Assert.Equal(Now.AddHours(1), decision.NextCheck);
        Assert.Contains("10 new labelled tiles", decision.Reasons[0].Message);
    }

    [Fact]
    public void Decide_NothingNewEvenWhenStale_NeverRetrains()
    {
        var decision = Policy.Decide(Quiet with { LastCycleAt = Now.AddDays(-60), NewLabelledTiles = 0, NewClassCounts = new Dictionary<string, int>() });
        Assert.False(decision.Retrain);
        Assert.Equal([PolicySignal.NothingNew], Signals(decision));
    }

    [Fact]
    public void Decide_NewTileCountReached_RetrainsNamingTheCount()
    {
        var decision = Policy.Decide(Quiet with { NewLabelledTiles = 200 });
        Assert.True(decision.Retrain);
        Assert.Contains(PolicySignal.NewTiles, Signals(decision));
        Assert.Contains("200 new labelled tiles reach the threshold of 200", decision.Reasons.Select(r => r.Message));
    }

    [Fact]
    public void Decide_NewTileFractionReached_Retrains()
    {
        var decision = Policy.Decide(Quiet with { TrainingTiles = 40 });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.NewTileFraction], Signals(decision));
    }

    [Fact]
    public void Decide_RareClassDoubled_RetrainsNamingTheClass()
    {
        // helicopter: 100 of 5000 training objects (2 %), +120 new ≥ 30 and ≥ 100 % of 100.
        var decision = Policy.Decide(Quiet with { NewClassCounts = new Dictionary<string, int> { ["plane"] = 25, ["helicopter"] = 120 } });
        Assert.True(decision.Retrain);
        Assert.Contains(PolicySignal.RareClassGrowth, Signals(decision));
        Assert.Contains(decision.Reasons, r => r.Message.Contains("\"helicopter\""));
    }

    [Fact]
    public void Decide_RareClassGainedLessThanItsGrowthThreshold_Waits() =>
        // +60 helicopters ≥ 30, but only 60 % of the 100 known; the mix itself is unchanged (2 % helicopters).
        Assert.False(Policy.Decide(Quiet with { NewClassCounts = new Dictionary<string, int> { ["plane"] = 1500, ["ship"] = 1440, ["helicopter"] = 60 } }).Retrain);

    [Fact]
    public void Decide_ClassMixShifted_RetrainsWithDistance()
    {
        var shifted = new Dictionary<string, int> { ["plane"] = 10, ["ship"] = 90 };
        var decision = Policy.Decide(Quiet with { NewClassCounts = shifted });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.DistributionShift], Signals(decision));
        Assert.Contains("Jensen–Shannon", decision.Reasons[0].Message);
    }

    [Fact]
    public void Decide_ShiftAlreadyAnsweredByPreviousCycle_NotRaisedAgain()
    {
        var shifted = new Dictionary<string, int> { ["plane"] = 10, ["ship"] = 90 };
        var decision = Policy.Decide(Quiet with { NewClassCounts = shifted, PreviousNewClassCounts = new Dictionary<string, int> { ["plane"] = 12, ["ship"] = 88 } });
        Assert.False(decision.Retrain);
    }

    [Fact]
    public void Decide_ShiftDilutedSinceLastCycleButClearInLatestBatch_Retrains()
    {
        // Since the last cycle: 950 objects in the training mix plus a last batch of 50 helicopters and 50 planes.
        var sinceCycle = new Dictionary<string, int> { ["plane"] = 525, ["ship"] = 456, ["helicopter"] = 69 };
        var latest = new Dictionary<string, int> { ["plane"] = 50, ["helicopter"] = 50 };
        Assert.False(Policy.Decide(Quiet with { NewClassCounts = sinceCycle }).Retrain);
        var decision = Policy.Decide(Quiet with { NewClassCounts = sinceCycle, LatestClassCounts = latest });
        Assert.True(decision.Retrain);
        Assert.Contains("between latest and training labels", Assert.Single(decision.Reasons).Message);
    }

    [Fact]
    public void Decide_TotalVariationMetric_UsesItInReason()
    {
        var policy = new RetrainPolicy(new RetrainPolicyOptions { ShiftMetric = ShiftMetric.TotalVariation, ShiftThreshold = 0.3 });
        var decision = policy.Decide(Quiet with { NewClassCounts = new Dictionary<string, int> { ["plane"] = 10, ["ship"] = 90 } });
        Assert.Contains("total-variation distance 0.420", decision.Reasons[0].Message);
    }

    [Fact]
    public void Decide_ClassNeverSeen_RetrainsOnFirstAppearance()
    {
        var decision = Policy.Decide(Quiet with { NewClassCounts = new Dictionary<string, int> { ["plane"] = 25, ["wind-turbine"] = 2 } });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.NewClass], Signals(decision));
    }

    [Fact]
    public void Decide_RealPerformanceDrop_Retrains()
    {
        var drift = new ChampionDrift(0.70, 0.60, 10, new ConfidenceInterval(0.04, 0.16, 0.95));
        var decision = Policy.Decide(Quiet with { Drift = drift });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.PerformanceDrift], Signals(decision));
    }

    [Fact]
    public void Decide_DropWhoseIntervalIncludesZero_NotCountedAsDrift()
    {
        var drift = new ChampionDrift(0.70, 0.60, 10, new ConfidenceInterval(-0.02, 0.22, 0.95));
        Assert.False(Policy.Decide(Quiet with { Drift = drift }).Retrain);
    }

    [Fact]
    public void Decide_StaleWithNewLabels_Retrains()
    {
        var decision = Policy.Decide(Quiet with { LastCycleAt = Now.AddDays(-15) });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.Staleness], Signals(decision));
    }

    [Fact]
    public void Decide_SignalDuringCooldown_WaitsUntilCooldownEndsAndKeepsTheSignal()
    {
        var decision = Policy.Decide(Quiet with { LastCycleAt = Now.AddHours(-2), NewLabelledTiles = 200 });
        Assert.False(decision.Retrain);
        Assert.Equal([PolicySignal.Cooldown, PolicySignal.NewTiles], Signals(decision));
        Assert.Equal(Now.AddHours(4), decision.NextCheck);
    }

    [Fact]
    public void Decide_BudgetSpent_WaitsUntilEnoughUsageLeavesTheWindow()
    {
        var usage = new[] { new CycleUsage(Now.AddDays(-6), 10), new CycleUsage(Now.AddDays(-3), 10), new CycleUsage(Now.AddDays(-8), 50) };
        var decision = Policy.Decide(Quiet with { NewLabelledTiles = 300, RecentCycles = usage, EstimatedGpuHoursPerCycle = 5 });
        Assert.False(decision.Retrain);
        Assert.Equal(PolicySignal.Budget, decision.Reasons[0].Signal);
        Assert.Equal(Now.AddDays(1), decision.NextCheck); // 20 used + 5 > 24 until the cycle 6 days ago leaves the 7-day window
    }

    [Fact]
    public void Decide_NoChampion_WaitsForMinimumThenTrainsFirstModel()
    {
        var first = new PolicyInput { Now = Now, NewLabelledTiles = 10, NewClassCounts = new Dictionary<string, int> { ["plane"] = 30 } };
        Assert.False(Policy.Decide(first).Retrain);
        var decision = Policy.Decide(first with { NewLabelledTiles = 20 });
        Assert.True(decision.Retrain);
        Assert.Equal([PolicySignal.FirstModel], Signals(decision));
    }

    [Fact]
    public void Decide_SignalSwitchedOff_DoesNotFire()
    {
        var policy = new RetrainPolicy(new RetrainPolicyOptions { NewTilesThreshold = null, NewTileFractionThreshold = null });
        Assert.False(policy.Decide(Quiet with { NewLabelledTiles = 5000 }).Retrain);
    }

    [Fact]
    public void PolicyInputAndDecision_JsonRoundTrip_SameDecision()
    {
        var input = Quiet with
        {
            PreviousNewClassCounts = new Dictionary<string, int> { ["plane"] = 3 },
            Drift = new ChampionDrift(0.7, 0.6, 10, new ConfidenceInterval(0.04, 0.16, 0.95)),
            RecentCycles = [new CycleUsage(Now.AddDays(-1), 1.5)],
        };
        var back = Json.Deserialize<PolicyInput>(Json.Serialize(input), "policy-input.json");
        var decision = Policy.Decide(input);
        Assert.Equal(decision.ToString(), Policy.Decide(back).ToString());

        var decisionBack = Json.Deserialize<RetrainDecision>(Json.Serialize(decision), "decision.json");
        Assert.Equal(decision.Reasons, decisionBack.Reasons);
        Assert.Equal(decision.Retrain, decisionBack.Retrain);
        Assert.Equal(Json.Serialize(new RetrainPolicyOptions()),
            Json.Serialize(Json.Deserialize<RetrainPolicyOptions>(Json.Serialize(new RetrainPolicyOptions()), "options.json")));
    }
}
