namespace AutoRetrain.Core.Policy.Simulation;

/// <summary>
/// A cheap stand-in for training: a class's AP grows with the objects of that class trained on,
/// AP(n) = ApMax · n / (n + HalfSaturation), and a tile's score is the mean AP of its objects' classes plus a fixed
/// per-tile noise. The AP of a set of tiles is the mean of their scores; validation AP the object-weighted mean
/// of the class APs over the training mix. GPU time grows with the new tiles and a bounded replay of old ones
/// (warm start with replay sampling), not with the whole history.
/// </summary>
public sealed record TrainingSurrogate
{
    public double ApMax { get; init; } = 0.8;
    public double HalfSaturation { get; init; } = 40;
    public double TileNoise { get; init; } = 0.05;
    public double GpuHoursBase { get; init; } = 0.1;
    public double GpuHoursPerTile { get; init; } = 0.002;

    /// <summary>A warm-started cycle trains on its new tiles plus at most this many replayed old ones.</summary>
    public int ReplayedOldTiles { get; init; } = 500;

    public double ClassAp(int trainedObjects) => ApMax * trainedObjects / (trainedObjects + HalfSaturation);

    public double ValidationAp(IReadOnlyDictionary<string, int> trained)
    {
        double total = trained.Values.Sum();
        return total == 0 ? 0 : trained.Sum(kv => kv.Value / total * ClassAp(kv.Value));
    }

    public double TileScore(IReadOnlyDictionary<string, int> tile, IReadOnlyDictionary<string, int> trained, double noise)
    {
        double objects = tile.Values.Sum();
        var clean = objects == 0 ? ApMax : tile.Sum(kv => kv.Value / objects * ClassAp(trained.GetValueOrDefault(kv.Key)));
        return Math.Clamp(clean + noise * TileNoise, 0, 1);
    }

    public double GpuHours(int newTiles, int oldTiles) => GpuHoursBase + GpuHoursPerTile * (newTiles + Math.Min(oldTiles, ReplayedOldTiles));
}
