using static System.FormattableString;
using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Core.Policy;

/// <summary>
/// What one earlier candidate achieved: its validation mAP gain over the champion it was trained against, and the
/// optimiser steps it took to reach the model it kept. Steps, not seconds: the same cycles on a loaded machine must
/// rank the strategies the same way (issue 16, reproducible cycles).
/// </summary>
public sealed record StrategyOutcome(string Strategy, double ValidationGain, double TrainingSteps)
{
    public double GainPerThousandSteps => TrainingSteps > 0 ? ValidationGain / (TrainingSteps / 1000) : 0;
}

/// <summary>A strategy picked for the coming cycle, with the score and the reason.</summary>
public sealed record StrategyChoice(string Strategy, double? Score, string Reason);

/// <summary>One candidate of a cycle: its training configuration and why its sampler was chosen.</summary>
public sealed record CandidatePlan(TrainingConfig Config, string Reason);

/// <summary>
/// Picks the sampling strategies of a cycle from earlier cycles with UCB1 (Auer et al. 2002) on validation gain
/// per 1,000 optimiser steps: score = mean reward + c · scale · √(2 ln N / n), N all outcomes, n this strategy's. The
/// rewards are tiny and of either sign, so the exploration term is scaled by the spread of the observed rewards.
/// A strategy never tried is tried first. Asking for K gives the K best scores: K candidates trained in parallel.
/// </summary>
public sealed class StrategySelector(double exploration = 1.0)
{
    public IReadOnlyList<StrategyChoice> Choose(IReadOnlyList<string> strategies, IReadOnlyList<StrategyOutcome> history, int count = 1)
    {
        if (strategies.Count == 0)
            throw new AutoRetrainException("Strategy choice: no strategies to choose from.");
        if (count < 1)
            throw new AutoRetrainException($"Strategy choice: asked for {count} candidates; at least one is needed.");

        var relevant = history.Where(h => strategies.Contains(h.Strategy)).ToList();
        var rewards = relevant.Select(h => h.GainPerThousandSteps).ToList();
        var scale = rewards.Count < 2 ? 1 : Math.Max(rewards.Max() - rewards.Min(), 1e-12);
        var total = relevant.Count;

        var scored = strategies.Select((s, order) =>
        {
            var mine = relevant.Where(h => h.Strategy == s).Select(h => h.GainPerThousandSteps).ToList();
            if (mine.Count == 0)
                return (Order: order, Choice: new StrategyChoice(s, null, $"{s}: never tried, explored first"));
            var mean = mine.Average();
            var bonus = exploration * scale * Math.Sqrt(2 * Math.Log(total) / mine.Count);
            return (Order: order, Choice: new StrategyChoice(s, mean + bonus,
                Invariant($"{s}: UCB {mean + bonus:G3} = mean gain per 1,000 steps {mean:G3} over {mine.Count} cycles + exploration {bonus:G3}")));
        });
        return scored.OrderBy(x => x.Choice.Score.HasValue).ThenByDescending(x => x.Choice.Score ?? 0).ThenBy(x => x.Order)
            .Take(count).Select(x => x.Choice).ToList();
    }

    /// <summary>
    /// The K candidate configurations of a cycle, trained in parallel: the base configuration with each chosen
    /// sampler (the seed is the base one; <see cref="RetrainPlanner"/> gives each candidate its own).
    /// </summary>
    public IReadOnlyList<CandidatePlan> Candidates(TrainingConfig baseConfig, IReadOnlyList<string> strategies,
        IReadOnlyList<StrategyOutcome> history, int count) =>
        Choose(strategies, history, count).Select(c => new CandidatePlan(baseConfig with { Sampler = c.Strategy }, c.Reason)).ToList();
}
