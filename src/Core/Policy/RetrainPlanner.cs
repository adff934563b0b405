using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Core.Policy;

/// <summary>A retrain decision together with the candidates the cycle trains in parallel (none for a Wait).</summary>
public sealed record RetrainPlan(RetrainDecision Decision, IReadOnlyList<CandidatePlan> Candidates)
{
    /// <summary>The decision's reasons followed by why each candidate's sampler was chosen.</summary>
    public IReadOnlyList<string> Reasons =>
        [.. Decision.Reasons.Select(r => r.Message), .. Candidates.Select(c => $"candidate {c.Config.Sampler}: {c.Reason}")];
}

/// <summary>
/// What the decision activity calls: the retrain policy, then, only for a Retrain, the strategy choice for K
/// candidates from the outcomes of earlier cycles. Pure, like its parts.
/// </summary>
public sealed class RetrainPlanner(RetrainPolicy policy, StrategySelector selector, IReadOnlyList<string> strategies, int candidates = 1)
{
    public RetrainPlan Plan(PolicyInput input, IReadOnlyList<StrategyOutcome> history, TrainingConfig baseConfig)
    {
        var decision = policy.Decide(input);
        return new RetrainPlan(decision, decision.Retrain ? selector.Candidates(baseConfig, strategies, history, candidates) : []);
    }
}
