using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Core.Policy;

/// <summary>
/// A retrain decision together with the candidates the cycle trains in parallel (none for a Wait). An operator's
/// <see cref="ForceReason"/> makes it a Retrain whatever the policy said.
/// </summary>
public sealed record RetrainPlan(RetrainDecision Decision, IReadOnlyList<CandidatePlan> Candidates, string? ForceReason = null)
{
    public bool Retrain => ForceReason is not null || Decision.Retrain;

    /// <summary>The forcing reason, the policy's reasons, then why each candidate's sampler was chosen.</summary>
    public IReadOnlyList<string> Reasons =>
        [.. ForceReason is { } forced ? [forced] : Array.Empty<string>(), .. Decision.Reasons.Select(r => r.Message),
         .. Candidates.Select(c => $"strategy {c.Config.Sampler}: {c.Reason}")];
}

/// <summary>
/// Where a decision is assembled (the decision step calls it): the retrain policy, an operator's force, then, only for
/// a Retrain, the strategy choice for K candidates from the outcomes of earlier cycles. Pure, like its parts.
/// </summary>
public sealed class RetrainPlanner(RetrainPolicy policy, StrategySelector selector, IReadOnlyList<string> strategies, int candidates = 1)
{
    /// <param name="forceReason">An operator's reason to retrain now; null lets the policy decide.</param>
    public RetrainPlan Plan(PolicyInput input, IReadOnlyList<StrategyOutcome> history, TrainingConfig baseConfig, string? forceReason = null)
    {
        var decision = policy.Decide(input);
        if (forceReason is null && !decision.Retrain) return new RetrainPlan(decision, []);
        // Each candidate gets its own seed (the base seed plus its index), as cycles always have.
        var chosen = selector.Candidates(baseConfig, strategies, history, Math.Max(1, candidates))
            .Select((c, i) => c with { Config = c.Config with { Seed = baseConfig.Seed + i } }).ToList();
        return new RetrainPlan(decision, chosen, forceReason);
    }
}
