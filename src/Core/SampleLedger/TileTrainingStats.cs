namespace AutoRetrain.Core.SampleLedger;

/// <summary>
/// What the trainer reports about one tile after a cycle: one JSON line per tile (per epoch when
/// <see cref="Epoch"/> is set) in <c>runs/&lt;cycle&gt;/tile-stats.jsonl</c>, camelCase, for example
/// <c>{"tileId":"ab12…","cycleId":"c-0003","modelId":"m-0003","epoch":9,"loss":0.42,"trueClassProbabilities":[0.91,0.55]}</c>.
/// </summary>
public sealed record TileTrainingStats
{
    public required string TileId { get; init; }
    public required string CycleId { get; init; }
    public string? ModelId { get; init; }

    /// <summary>The epoch the line was measured in; absent when the trainer reports once per cycle.</summary>
    public int? Epoch { get; init; }

    /// <summary>The tile's training loss (the detector's total loss on this tile).</summary>
    public required double Loss { get; init; }

    /// <summary>One per labelled object: the predicted probability of the object's true class.</summary>
    public IReadOnlyList<double> TrueClassProbabilities { get; init; } = [];
}
