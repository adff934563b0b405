using AutoRetrain.Core.Ports;
using AutoRetrain.Core.SampleLedger;

namespace AutoRetrain.Core.Sampling;

/// <summary>A tile of the training split as the strategies see it: its objects per class and whether it arrived since the last cycle.</summary>
public sealed record SamplingTile
{
    public required string TileId { get; init; }
    public IReadOnlyDictionary<string, int> ClassCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Labelled since the champion was trained (replay keeps all of these).</summary>
    public bool IsNew { get; init; }
}

/// <summary>Everything a strategy may read. Deterministic: the same input gives the same weights.</summary>
public sealed record SamplingInput
{
    public required IReadOnlyList<SamplingTile> Tiles { get; init; }

    /// <summary>Sample-ledger histories by tile id; a tile never trained on is absent.</summary>
    public IReadOnlyDictionary<string, TileHistory> Histories { get; init; } = new Dictionary<string, TileHistory>();

    /// <summary>Epochs of the coming training (curriculum paces over them).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed of every random choice a strategy makes (stochastic rounding, replay selection).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The input for these tiles with their histories read from the sample ledger.</summary>
    public static async Task<SamplingInput> LoadAsync(ISampleLedgerStore ledger, IReadOnlyList<SamplingTile> tiles,
        int epochs, int seed, CancellationToken ct = default) => new()
    {
        Tiles = tiles,
        Histories = await ledger.GetAsync(tiles.Select(t => t.TileId), ct),
        Epochs = epochs,
        Seed = seed,
    };
}

/// <summary>
/// Turns a training set into per-tile sampling weights. Strategies compose by multiplying weights
/// (<see cref="ComposedSampling"/>).
/// </summary>
public interface ISamplingStrategy
{
    /// <summary>Name as written in <c>TrainingConfig.Sampler</c> and in reports.</summary>
    string Name { get; }

    /// <summary>One weight per input tile, in input order.</summary>
    IReadOnlyList<TileWeight> Weigh(SamplingInput input);
}
