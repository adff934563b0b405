using static System.FormattableString;
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
public sealed class PromotionGate
{
    private readonly PromotionGateOptions _options;

    public PromotionGate(PromotionGateOptions options)
    {
        if (options.Problems().FirstOrDefault() is { } problem) throw new AutoRetrainException(problem.Describe("Promotion gate"));
        _options = options;
    }

    public PromotionDecision FirstModel(ClassScores challenger)
    {
        var passes = challenger.Map >= _options.FirstModelMinMap;
        return new PromotionDecision
        {
            Promote = passes,
            ChallengerMap = challenger.Map,
            Reasons =
            [
                passes
                    ? Invariant($"first model: mAP {challenger.Map:0.000} reaches the minimum {_options.FirstModelMinMap:0.000}")
                    : Invariant($"first model: mAP {challenger.Map:0.000} is below the minimum {_options.FirstModelMinMap:0.000}"),
            ],
        };
    }

    /// <summary>
    /// The verdict on all validation tiles, and, when <paramref name="earlierTiles"/> is given (indices of the
    /// validation tiles the champion was itself validated on), the earlier-data check: a real mAP fall there beyond
    /// <see cref="PromotionGateOptions.EarlierDataTolerance"/> keeps the champion.
    /// </summary>
    public PromotionDecision Decide(IPairedScorer scorer, IReadOnlyList<int>? earlierTiles = null)
    {
        var decision = DecideOnAll(scorer);
        if (earlierTiles is null) return decision;
        if (earlierTiles.Count < _options.EarlierDataMinTiles)
            return decision with
            {
                Reasons = [.. decision.Reasons, Invariant($"earlier data: {earlierTiles.Count} validation tiles of the champion's, fewer than {_options.EarlierDataMinTiles}; not checked")],
            };

        var check = CompareOn(scorer, earlierTiles);
        var reasons = decision.Reasons.ToList();
        string summary = Invariant($"earlier data ({check.Tiles} validation tiles the champion was validated on): mAP {check.ChallengerMap:0.000} vs champion {check.ChampionMap:0.000}, change {check.Change:+0.000;-0.000}, interval {check.Interval}");
        reasons.Add(check.Blocks
            ? summary + Invariant($": a fall beyond the tolerance {_options.EarlierDataTolerance:0.000}, interval below 0")
            : summary);
        bool promote = decision.Promote && !check.Blocks;
        if (decision.Promote && !promote) reasons[0] = "keep the champion: the challenger is worse on earlier data";
        return decision with { Promote = promote, Reasons = reasons, EarlierData = check };
    }

    /// <summary>Both models' mAP on a subset of the validation tiles, over the classes both score there, with a paired
    /// bootstrap interval of the change (resampling within the subset).</summary>
    private EarlierDataCheck CompareOn(IPairedScorer scorer, IReadOnlyList<int> tiles)
    {
        var observed = scorer.Score(tiles);
        var shared = Scored(observed, observed.Champion.ApPerClass.Keys.Intersect(observed.Challenger.ApPerClass.Keys))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(_options.Seed + 1);
        var changes = new List<double>(_options.BootstrapResamples);
        for (var b = 0; b < _options.BootstrapResamples; b++)
        {
            var resample = Bootstrap.Resample(tiles.Count, random).Select(i => tiles[i]).ToList();
            var deltas = Scored(scorer.Score(resample), shared).ToList();
            if (deltas.Count > 0) changes.Add(deltas.Average(kv => kv.Value));
        }
        double championMap = shared.Length == 0 ? 0 : shared.Average(c => observed.Champion.ApPerClass[c]);
        double challengerMap = shared.Length == 0 ? 0 : shared.Average(c => observed.Challenger.ApPerClass[c]);
        var interval = Interval(changes);
        bool blocks = championMap - challengerMap > _options.EarlierDataTolerance && interval.IsBelow(0);
        return new EarlierDataCheck(tiles.Count, championMap, challengerMap, interval, blocks);
    }

    private PromotionDecision DecideOnAll(IPairedScorer scorer)
    {
        if (scorer.TileCount < 1)
            throw new AutoRetrainException("Promotion gate: the validation split is empty; champion and challenger cannot be compared.");

        var all = Enumerable.Range(0, scorer.TileCount).ToArray();
        var observed = scorer.Score(all);
        // Only classes both models score are compared: a class new to the challenger neither flatters nor
        // penalises it, and a class without ground truth (AP not finite) carries no information.
        var shared = Scored(observed, observed.Champion.ApPerClass.Keys.Intersect(observed.Challenger.ApPerClass.Keys))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();

        var random = new Random(_options.Seed);
        var gains = new List<double>(_options.BootstrapResamples);
        var classDeltas = shared.ToDictionary(c => c, _ => new List<double>(_options.BootstrapResamples));
        for (var b = 0; b < _options.BootstrapResamples; b++)
        {
            var deltas = Scored(scorer.Score(Bootstrap.Resample(scorer.TileCount, random)), shared).ToList();
            if (deltas.Count == 0)
                continue; // a resample that holds none of the compared classes says nothing
            gains.Add(deltas.Average(kv => kv.Value));
            foreach (var (cls, delta) in deltas)
                classDeltas[cls].Add(delta);
        }

        var championMap = shared.Length == 0 ? 0 : shared.Average(c => observed.Champion.ApPerClass[c]);
        var challengerMap = shared.Length == 0 ? 0 : shared.Average(c => observed.Challenger.ApPerClass[c]);
        var gain = challengerMap - championMap;
        var gainInterval = Interval(gains);
        var changes = shared.Select(c =>
        {
            var champion = observed.Champion.ApPerClass[c];
            var challenger = observed.Challenger.ApPerClass[c];
            var interval = Interval(classDeltas[c]);
            var blocks = champion - challenger > _options.ClassRegressionTolerance && interval.IsBelow(0);
            return new ClassChange(c, champion, challenger, interval, blocks);
        }).ToList();

        var reasons = new List<string>();
        var gainOk = gain >= _options.MinMapGain && gainInterval.IsAbove(0);
        reasons.Add(gainOk
            ? Invariant($"mAP {challengerMap:0.000} vs champion {championMap:0.000}: gain {gain:+0.000;-0.000} ≥ margin {_options.MinMapGain:0.000}, interval {gainInterval} above 0")
            : gain < _options.MinMapGain
                ? Invariant($"mAP {challengerMap:0.000} vs champion {championMap:0.000}: gain {gain:+0.000;-0.000} is below the margin {_options.MinMapGain:0.000}")
                : Invariant($"mAP gain {gain:+0.000;-0.000} is not distinguishable from noise: interval {gainInterval} includes 0"));
        foreach (var change in changes.Where(c => c.Blocks))
            reasons.Add(Invariant($"class {change.Class} regresses: AP {change.ChampionAp:0.000} → {change.ChallengerAp:0.000} ") +
                        Invariant($"(fall {-change.Delta:0.000} > tolerance {_options.ClassRegressionTolerance:0.000}, interval {change.Interval} below 0)"));
        foreach (var added in observed.Challenger.ApPerClass.Keys.Except(shared).Order(StringComparer.Ordinal))
            reasons.Add(Invariant($"class {added} is new to the challenger (AP {observed.Challenger.ApPerClass[added]:0.000}); it cannot regress"));

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

    /// <summary>Challenger − champion AP of each class that both score with a finite AP.</summary>
    private static IEnumerable<KeyValuePair<string, double>> Scored(PairedScores scores, IEnumerable<string> classes) =>
        classes.Select(c => (c, Champion: scores.Champion.ApPerClass.GetValueOrDefault(c, double.NaN),
                Challenger: scores.Challenger.ApPerClass.GetValueOrDefault(c, double.NaN)))
            .Where(x => double.IsFinite(x.Champion) && double.IsFinite(x.Challenger))
            .Select(x => KeyValuePair.Create(x.c, x.Challenger - x.Champion));

    /// <summary>The percentile interval, or an unbounded one when too few resamples held the class to say anything.</summary>
    private ConfidenceInterval Interval(IReadOnlyList<double> values) => values.Count < 2
        ? new ConfidenceInterval(double.NegativeInfinity, double.PositiveInfinity, _options.Confidence)
        : Bootstrap.PercentileInterval(values, _options.Confidence);
}
