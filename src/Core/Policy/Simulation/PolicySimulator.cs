using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Policy.Simulation;

/// <summary>
/// Replays a generated stream through the retrain policy without training: at each batch's arrival the policy is
/// asked once; a Retrain makes a new champion from every labelled tile so far through the
/// <see cref="TrainingSurrogate"/>. Measures how many cycles the policy starts against retraining on every batch
/// and against a fixed schedule, and how many batches each drift event waits for a cycle.
/// </summary>
public sealed class PolicySimulator(RetrainPolicyOptions policyOptions, TrainingSurrogate surrogate, int fixedScheduleEvery = 4)
{
    /// <summary>Fewer new tiles than this make the champion's score on them too noisy to call drift.</summary>
    public const int MinTilesForDrift = 10;

    private const int DriftResamples = 200;

    public PolicySimulationResult Run(DriftStreamOptions streamOptions)
    {
        if (fixedScheduleEvery < 1)
            throw new AutoRetrainException($"Policy simulation: fixed schedule every {fixedScheduleEvery} batches; at least 1.");
        var batches = DriftStream.Generate(streamOptions);
        var policy = new RetrainPolicy(policyOptions);
        var noise = new Random(streamOptions.Seed ^ 0x5eed);

        Dictionary<string, int>? champion = null;
        var trainingTiles = 0;
        var pending = new List<(IReadOnlyDictionary<string, int> Counts, double Noise)>();
        IReadOnlyDictionary<string, int>? previousNew = null;
        DateTimeOffset? lastCycle = null;
        var usage = new List<CycleUsage>();
        var decisions = new List<SimulatedDecision>();

        foreach (var batch in batches)
        {
            pending.AddRange(batch.Tiles.Select(t => (t, Gaussian(noise))));
            var newCounts = Counts.Sum(pending.Select(p => p.Counts));
            var input = new PolicyInput
            {
                Now = batch.At,
                LastCycleAt = lastCycle,
                HasChampion = champion is not null,
                TrainingTiles = trainingTiles,
                TrainingClassCounts = champion ?? new Dictionary<string, int>(),
                NewLabelledTiles = pending.Count,
                NewClassCounts = newCounts,
                LatestClassCounts = batch.ClassCounts,
                PreviousNewClassCounts = previousNew,
                Drift = champion is null || pending.Count < MinTilesForDrift ? null : Drift(champion, pending, batch.Index, streamOptions.Seed),
                RecentCycles = usage,
                EstimatedGpuHoursPerCycle = surrogate.GpuHours(pending.Count, trainingTiles),
            };
            var decision = policy.Decide(input);
            if (decision.Retrain)
            {
                champion = Counts.Sum(champion is null ? [newCounts] : [champion, newCounts]);
                trainingTiles += pending.Count;
                previousNew = newCounts;
                lastCycle = batch.At;
                usage.Add(new CycleUsage(batch.At, input.EstimatedGpuHoursPerCycle));
                pending.Clear();
            }
            decisions.Add(new SimulatedDecision
            {
                Batch = batch.Index,
                At = batch.At,
                Retrain = decision.Retrain,
                Reasons = decision.Reasons.Select(r => r.Message).ToList(),
                Signals = decision.Reasons.Select(r => r.Signal).ToList(),
                NextCheck = decision.NextCheck,
                NewLabelledTiles = input.NewLabelledTiles,
                ChampionValidationAp = champion is null ? null : surrogate.ValidationAp(champion),
            });
        }

        var events = streamOptions.EventsOrDefault.Where(e => e.Batch < batches.Count).ToList();
        var trainedAt = decisions.Where(d => d.Retrain).Select(d => d.Batch).ToList();
        var fixedAt = Enumerable.Range(0, batches.Count).Where(b => (b + 1) % fixedScheduleEvery == 0).DefaultIfEmpty(batches.Count - 1).ToList();
        var answered = events.Select(e => Answer(e, trainedAt, batches.Count)).ToList();
        return new PolicySimulationResult
        {
            Batches = batches.Count,
            Seed = streamOptions.Seed,
            Trainings = trainedAt.Count,
            EveryBatchTrainings = batches.Count(b => b.Tiles.Count > 0),
            FixedScheduleTrainings = fixedAt.Count,
            FixedScheduleEvery = fixedScheduleEvery,
            FixedScheduleMaxStaleness = events.Select(e => Answer(e, fixedAt, batches.Count).Staleness).DefaultIfEmpty(0).Max(),
            MaxStaleness = answered.Select(a => a.Staleness).DefaultIfEmpty(0).Max(),
            DriftEvents = answered,
            Decisions = decisions,
        };
    }

    private ChampionDrift Drift(IReadOnlyDictionary<string, int> champion,
        IReadOnlyList<(IReadOnlyDictionary<string, int> Counts, double Noise)> tiles, int batch, int seed)
    {
        var scores = tiles.Select(t => surrogate.TileScore(t.Counts, champion, t.Noise)).ToArray();
        return PerformanceDriftEstimator.Estimate(surrogate.ValidationAp(champion), scores.Length,
            indices => indices.Average(i => scores[i]), new Random(unchecked(seed * 1_000_003 + batch)), DriftResamples);
    }

    private static AnsweredDriftEvent Answer(DriftEvent e, IReadOnlyList<int> trainedAt, int batches)
    {
        var at = trainedAt.Where(b => b >= e.Batch).Cast<int?>().FirstOrDefault();
        return new AnsweredDriftEvent(e.Batch, e.Kind, e.Class, at, (at ?? batches) - e.Batch);
    }

    /// <summary>A standard normal draw (Box–Muller), from the seeded generator.</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
