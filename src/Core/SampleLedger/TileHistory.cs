namespace AutoRetrain.Core.SampleLedger;

/// <summary>One measurement of a tile: the end of a cycle, or one epoch of it.</summary>
public sealed record TileObservation
{
    public required string CycleId { get; init; }
    public int? Epoch { get; init; }
    public required double Loss { get; init; }

    /// <summary>Mean over the tile's objects of the true-class probability; null for a tile without objects.</summary>
    public double? MeanTrueClassProbability { get; init; }

    public double? MinTrueClassProbability { get; init; }
}

/// <summary>
/// A tile's bounded history across cycles, oldest first. The strategies read it: curriculum and hard-example
/// mining the latest loss, active bias the spread of the true-class probabilities.
/// </summary>
public sealed record TileHistory
{
    public required string TileId { get; init; }
    public IReadOnlyList<TileObservation> Observations { get; init; } = [];

    public TileObservation? Latest => Observations.Count == 0 ? null : Observations[^1];

    /// <summary>The tile's loss in the latest cycle it was trained in (its last epoch there).</summary>
    public double? LatestLoss => Latest?.Loss;

    public IReadOnlyList<double> TrueClassProbabilityHistory =>
        Observations.Where(o => o.MeanTrueClassProbability.HasValue).Select(o => o.MeanTrueClassProbability!.Value).ToList();

    /// <summary>
    /// This history with more observations appended, keeping only the newest <paramref name="capacity"/>. An
    /// observation of a (cycle, epoch) already held is skipped, so a merge retried after a crash adds nothing twice.
    /// </summary>
    public TileHistory Append(IEnumerable<TileObservation> observations, int capacity)
    {
        var held = Observations.Select(o => (o.CycleId, o.Epoch)).ToHashSet();
        var all = Observations.Concat(observations.Where(o => held.Add((o.CycleId, o.Epoch)))).ToList();
        return this with { Observations = all.Skip(Math.Max(0, all.Count - capacity)).ToList() };
    }
}
