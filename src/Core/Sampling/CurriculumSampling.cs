namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Curriculum learning (Bengio et al. 2009) with the previous cycle's loss as the difficulty score: tiles are
/// ranked easy (low loss) to hard, and the share of the ranking in use grows with a linear pace
/// g(e) = min(1, s + (1 − s)·e / R) over epochs e = 0, 1, …, where s is the starting share and R the ramp
/// length in epochs. The tile of rank i (0-based, of n) enters at the first epoch with i &lt; ⌈g(e)·n⌉.
/// </summary>
public sealed class CurriculumSampling(double startShare = 0.5, double rampShareOfEpochs = 0.5) : ISamplingStrategy
{
    public const string StrategyName = "curriculum";

    public string Name => StrategyName;

    public double StartShare { get; } = startShare is > 0 and <= 1
        ? startShare
        : throw new AutoRetrainException($"Curriculum sampling: start share {startShare} must lie in (0, 1].");

    public double RampShareOfEpochs { get; } = rampShareOfEpochs is > 0 and <= 1
        ? rampShareOfEpochs
        : throw new AutoRetrainException($"Curriculum sampling: ramp share {rampShareOfEpochs} must lie in (0, 1].");

    /// <summary>R: the epoch by which every tile is in use.</summary>
    public int RampEpochs(int epochs) => Math.Max(1, (int)Math.Round(epochs * RampShareOfEpochs));

    /// <summary>g(e), the share of the easy-to-hard ranking used in epoch e.</summary>
    public double Pace(int epoch, int epochs) => Math.Min(1.0, StartShare + (1 - StartShare) * epoch / RampEpochs(epochs));

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var losses = LedgerReadings.LatestLosses(input);
        if (losses is null) // first cycle: nothing to rank by
            return new UniformSampling().Weigh(input);

        // Ties keep input order so that the ranking replays exactly.
        var rankOf = new int[input.Tiles.Count];
        var order = Enumerable.Range(0, input.Tiles.Count).OrderBy(i => losses[i]).ThenBy(i => i).ToArray();
        for (var rank = 0; rank < order.Length; rank++)
            rankOf[order[rank]] = rank;

        var n = input.Tiles.Count;
        return input.Tiles.Select((t, i) =>
        {
            var epoch = 0;
            while (rankOf[i] >= (int)Math.Ceiling(Pace(epoch, input.Epochs) * n))
                epoch++;
            return new TileWeight(t.TileId, 1, epoch);
        }).ToList();
    }
}
