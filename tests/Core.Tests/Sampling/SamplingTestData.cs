using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Sampling;

namespace AutoRetrain.Core.Tests.Sampling;

internal static class SamplingTestData
{
    public static SamplingTile Tile(string id, params (string Class, int Count)[] counts) =>
        new() { TileId = id, ClassCounts = counts.ToDictionary(c => c.Class, c => c.Count) };

    public static TileHistory History(string id, params double[] losses) => new()
    {
        TileId = id,
        Observations = losses.Select((l, i) => new TileObservation { CycleId = $"c{i}", Loss = l }).ToList(),
    };

    public static TileHistory ProbabilityHistory(string id, params double[] meanProbabilities) => new()
    {
        TileId = id,
        Observations = meanProbabilities.Select((p, i) => new TileObservation { CycleId = $"c{i}", Loss = 1, MeanTrueClassProbability = p }).ToList(),
    };

    public static SamplingInput WithLosses(params double[] losses) => new()
    {
        Tiles = losses.Select((_, i) => Tile($"t{i}", ("plane", 1))).ToList(),
        Histories = losses.Select((l, i) => History($"t{i}", l)).ToDictionary(h => h.TileId),
        Epochs = 4,
    };
}
