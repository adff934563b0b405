using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Promotion;

/// <summary>
/// Champion / challenger gate. Both models are scored on the same validation tiles; a paired bootstrap over
/// those tiles (the same resample for both models) tells a real change from the luck of the split.
/// <list type="bullet">
/// <item>Promote only when the observed mAP gain is at least <see cref="PromotionGateOptions.MinMapGain"/> and the
/// lower end of its bootstrap interval is above 0 (the gain is real).</item>
/// <item>A class blocks when its AP falls by more than <see cref="PromotionGateOptions.ClassRegressionTolerance"/>
/// and the upper end of its interval is below 0 (the fall is real). A class the champion never had cannot regress.</item>
/// <item>With no champion, the challenger is promoted when its mAP reaches <see cref="PromotionGateOptions.FirstModelMinMap"/>.</item>
/// </list>
/// </summary>
public sealed class PromotionGate(PromotionGateOptions options)
{
    public PromotionDecision FirstModel(ClassScores challenger)
    {
        var passes = challenger.Map >= options.FirstModelMinMap;
        return new PromotionDecision
        {
            Promote = passes,
            ChallengerMap = challenger.Map,
            Reasons =
            [
                passes
                    ? $"first model: mAP {challenger.Map:0.000} reaches the minimum {options.FirstModelMinMap:0.000}"
                    : $"first model: mAP {challenger.Map:0.000} is below the minimum {options.FirstModelMinMap:0.000}",
            ],
        };
    }

    public PromotionDecision Decide(IPairedScorer scorer)
    {
        if (scorer.TileCount < 1)
            throw new AutoRetrainException("Promotion gate: the validation split is empty; champion and challenger cannot be compared.");

        var all = Enumerable.Range(0, scorer.TileCount).ToArray();
        var observed = scorer.Score(all);
        var shared = observed.Champion.ApPerClass.Keys.Intersect(observed.Challenger.ApPerClass.Keys)
            .Order(StringComparer.Ordinal).ToArray();

        var random = new Random(options.Seed);
        var gains = new double[options.BootstrapResamples];
        var classDeltas = shared.ToDictionary(c => c, _ => new double[options.BootstrapResamples]);
        for (var b = 0; b < options.BootstrapResamples; b++)
        {
            var sample = scorer.Score(Bootstrap.Resample(scorer.TileCount, random));
            gains[b] = MapOver(sample.Challenger, shared) - MapOver(sample.Champion, shared);
            foreach (var c in shared)
                classDeltas[c][b] = sample.Challenger.ApPerClass.GetValueOrDefault(c) - sample.Champion.ApPerClass.GetValueOrDefault(c);
        }

        // The gain is measured on the classes both models know, so a class new to the challenger neither
        // flatters nor penalises it.
        var championMap = MapOver(observed.Champion, shared);
        var challengerMap = MapOver(observed.Challenger, shared);
        var gain = challengerMap - championMap;
        var gainInterval = Bootstrap.PercentileInterval(gains, options.Confidence);
        var changes = shared.Select(c =>
        {
            var champion = observed.Champion.ApPerClass[c];
            var challenger = observed.Challenger.ApPerClass[c];
            var interval = Bootstrap.PercentileInterval(classDeltas[c], options.Confidence);
            var blocks = champion - challenger > options.ClassRegressionTolerance && interval.IsBelow(0);
            return new ClassChange(c, champion, challenger, interval, blocks);
        }).ToList();

        var reasons = new List<string>();
        var gainOk = gain >= options.MinMapGain && gainInterval.IsAbove(0);
        reasons.Add(gainOk
            ? $"mAP {challengerMap:0.000} vs champion {championMap:0.000}: gain {gain:+0.000;-0.000} ≥ margin {options.MinMapGain:0.000}, interval {gainInterval} above 0"
            : gain < options.MinMapGain
                ? $"mAP {challengerMap:0.000} vs champion {championMap:0.000}: gain {gain:+0.000;-0.000} is below the margin {options.MinMapGain:0.000}"
                : $"mAP gain {gain:+0.000;-0.000} is not distinguishable from noise: interval {gainInterval} includes 0");
        foreach (var change in changes.Where(c => c.Blocks))
            reasons.Add($"class {change.Class} regresses: AP {change.ChampionAp:0.000} → {change.ChallengerAp:0.000} " +
                        $"(fall {-change.Delta:0.000} > tolerance {options.ClassRegressionTolerance:0.000}, interval {change.Interval} below 0)");
        foreach (var added in observed.Challenger.ApPerClass.Keys.Except(shared).Order(StringComparer.Ordinal))
            reasons.Add($"class {added} is new to the challenger (AP {observed.Challenger.ApPerClass[added]:0.000}); it cannot regress");

        var promote = gainOk && !changes.Any(c => c.Blocks);
        reasons.Insert(0, promote ? "promote: the challenger is better and no class regresses beyond tolerance" : "keep the champion");
        return new PromotionDecision
        {
            Promote = promote,
            Reasons = reasons,
            ChallengerMap = challengerMap,
            ChampionMap = championMap,
            MapGain = gain,
            MapGainInterval = gainInterval,
            ClassChanges = changes,
        };
    }

    private static double MapOver(ClassScores scores, IReadOnlyList<string> classes) =>
        classes.Count == 0 ? 0 : classes.Average(c => scores.ApPerClass.GetValueOrDefault(c));
}
