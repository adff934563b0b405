using static System.FormattableString;
using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Policy;

/// <summary>
/// When to retrain: a pure function of <see cref="PolicyInput"/> and <see cref="RetrainPolicyOptions"/>.
/// Order of the rules: nothing new → wait; no signal fired → wait; cooldown → wait; budget → wait; else retrain
/// with every signal that fired as a reason.
/// </summary>
public sealed class RetrainPolicy(RetrainPolicyOptions options)
{
    public RetrainPolicyOptions Options { get; } = options;

    public RetrainDecision Decide(PolicyInput input)
    {
        var newObjects = input.NewClassCounts.Values.Sum();
        if (input.NewLabelledTiles <= 0 && newObjects <= 0)
            return RetrainDecision.Wait(input.Now + Options.CheckInterval,
                new PolicyReason(PolicySignal.NothingNew, "nothing new since the last cycle: no labelled tile arrived"));

        var fired = Signals(input);
        if (fired.Count == 0)
            return RetrainDecision.Wait(NextCheckWithoutSignal(input),
                new PolicyReason(PolicySignal.BelowThresholds, BelowThresholdsMessage(input)));

        if (input.LastCycleAt is { } last && input.Now - last < Options.Cooldown)
            return RetrainDecision.Wait(last + Options.Cooldown,
                [new PolicyReason(PolicySignal.Cooldown,
                    $"cooldown: the last cycle started {Hours(input.Now - last)} ago, less than {Hours(Options.Cooldown)}"), .. fired]);

        if (BudgetBlock(input) is { } budget)
            return RetrainDecision.Wait(budget.NextCheck, [budget.Reason, .. fired]);

        return RetrainDecision.Go(fired);
    }

    private List<PolicyReason> Signals(PolicyInput input)
    {
        var fired = new List<PolicyReason>();
        if (!input.HasChampion)
        {
            if (input.NewLabelledTiles >= Options.MinInitialLabelledTiles)
                fired.Add(new(PolicySignal.FirstModel,
                    $"no champion yet: {input.NewLabelledTiles} labelled tiles reach the minimum of {Options.MinInitialLabelledTiles} for a first model"));
            return fired;
        }

        if (Options.NewTilesThreshold is { } count && input.NewLabelledTiles >= count)
            fired.Add(new(PolicySignal.NewTiles, $"{input.NewLabelledTiles} new labelled tiles reach the threshold of {count}"));

        if (Options.NewTileFractionThreshold is { } fraction && input.TrainingTiles > 0
            && (double)input.NewLabelledTiles / input.TrainingTiles >= fraction)
            fired.Add(new(PolicySignal.NewTileFraction,
                Invariant($"{input.NewLabelledTiles} new labelled tiles are {(double)input.NewLabelledTiles / input.TrainingTiles:P0} of the {input.TrainingTiles} training tiles (threshold {fraction:P0})")));

        var trainingObjects = input.TrainingClassCounts.Values.Sum();
        foreach (var (cls, added) in input.NewClassCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var known = input.TrainingClassCounts.GetValueOrDefault(cls);
            if (known == 0 && added > 0)
            {
                if (Options.RetrainOnNewClass)
                    fired.Add(new(PolicySignal.NewClass, $"new class \"{cls}\": {added} objects, never seen in training"));
                continue;
            }
            var share = trainingObjects == 0 ? 0 : (double)known / trainingObjects;
            if (Options.RareClassNewObjects is { } minNew && share <= Options.RareClassMaxShare
                && added >= minNew && added >= Options.RareClassMinGrowth * known)
                fired.Add(new(PolicySignal.RareClassGrowth,
                    Invariant($"rare class \"{cls}\" ({share:P1} of training objects) gained {added} new objects (threshold {minNew}), {(double)added / known:P0} of its {known}")));
        }

        if (ShiftReason(input, trainingObjects) is { } shift)
            fired.Add(shift);

        if (Options.PerformanceDropDelta is { } delta && input.Drift is { } drift
            && drift.Drop >= delta && drift.DropInterval.IsAbove(0))
            fired.Add(new(PolicySignal.PerformanceDrift,
                Invariant($"performance drift: champion AP {drift.NewTilesAp:0.000} on {drift.NewTiles} new tiles vs {drift.ValidationAp:0.000} on validation, ") +
                Invariant($"drop {drift.Drop:0.000} ≥ {delta:0.000}, interval {drift.DropInterval} above 0")));

        if (Options.MaxStaleness is { } stale && input.LastCycleAt is { } last && input.Now - last >= stale)
            fired.Add(new(PolicySignal.Staleness, $"stale: the last cycle started {Days(input.Now - last)} ago (limit {Days(stale)}) and new labels arrived since"));

        return fired;
    }

    private PolicyReason? ShiftReason(PolicyInput input, int trainingObjects)
    {
        if (Options.ShiftThreshold is not { } threshold || trainingObjects == 0)
            return null;
        var windows = new List<(string Name, IReadOnlyDictionary<string, int> Counts)> { ("new", input.NewClassCounts) };
        if (input.LatestClassCounts is { } latest)
            windows.Add(("latest", latest));
        foreach (var (name, counts) in windows)
        {
            if (counts.Values.Sum() < Options.MinObjectsForShift)
                continue;
            var distance = Distance(counts, input.TrainingClassCounts);
            if (distance < threshold)
                continue;
            if (input.PreviousNewClassCounts is { Count: > 0 } previous && previous.Values.Sum() > 0
                && Distance(counts, previous) < threshold)
                continue; // the same shift the previous cycle was already trained on
            return new(PolicySignal.DistributionShift,
                Invariant($"class distribution shift: {MetricName} {distance:0.000} between {name} and training labels (threshold {threshold:0.000})"));
        }
        return null;
    }

    private double Distance(IReadOnlyDictionary<string, int> p, IReadOnlyDictionary<string, int> q) =>
        Options.ShiftMetric == ShiftMetric.JensenShannon ? Distributions.JensenShannon(p, q) : Distributions.TotalVariation(p, q);

    private string MetricName => Options.ShiftMetric == ShiftMetric.JensenShannon ? "Jensen–Shannon divergence" : "total-variation distance";

    private (PolicyReason Reason, DateTimeOffset NextCheck)? BudgetBlock(PolicyInput input)
    {
        if (Options.GpuHoursPerWindow is not { } budget)
            return null;
        var inWindow = input.RecentCycles.Where(c => c.At > input.Now - Options.BudgetWindow).OrderBy(c => c.At).ToList();
        var used = inWindow.Sum(c => c.GpuHours);
        if (used + input.EstimatedGpuHoursPerCycle <= budget)
            return null;

        // The earliest moment enough past usage leaves the window for the next cycle to fit.
        var next = input.Now + Options.CheckInterval;
        var remaining = used;
        foreach (var cycle in inWindow)
        {
            remaining -= cycle.GpuHours;
            next = cycle.At + Options.BudgetWindow;
            if (remaining + input.EstimatedGpuHoursPerCycle <= budget)
                break;
        }
        return (new PolicyReason(PolicySignal.Budget,
            Invariant($"compute budget: {used:0.0} GPU-hours used in the last {Days(Options.BudgetWindow)}, the next cycle needs about ") +
            Invariant($"{input.EstimatedGpuHoursPerCycle:0.0} and the budget is {budget:0.0}")), next);
    }

    private DateTimeOffset NextCheckWithoutSignal(PolicyInput input)
    {
        var next = input.Now + Options.CheckInterval;
        if (Options.MaxStaleness is { } stale && input.LastCycleAt is { } last && last + stale > input.Now && last + stale < next)
            next = last + stale;
        return next;
    }

    private string BelowThresholdsMessage(PolicyInput input)
    {
        if (!input.HasChampion)
            return $"no champion yet: {input.NewLabelledTiles} labelled tiles, {Options.MinInitialLabelledTiles} needed for a first model";
        var parts = new List<string> { $"{input.NewLabelledTiles} new labelled tiles" };
        if (Options.NewTilesThreshold is { } count)
            parts[0] += $" (threshold {count})";
        if (input.Drift is { } drift)
            parts.Add(Invariant($"champion AP on new tiles {drift.NewTilesAp:0.000} vs validation {drift.ValidationAp:0.000}"));
        return "no signal reached its threshold: " + string.Join(", ", parts);
    }

    private static string Hours(TimeSpan t) => Invariant($"{t.TotalHours:0.#} h");

    private static string Days(TimeSpan t) => t.TotalDays >= 1 ? Invariant($"{t.TotalDays:0.#} days") : Hours(t);
}
