using System.Runtime.InteropServices;
using AutoRetrain.Core.Labels;
using AutoRetrain.Imagery.Chips;

namespace AutoRetrain.Detector.Data;

/// <summary>One training sample: a tile, cut by the augmentation as a whole (<see cref="Window"/> null), or one window
/// of a scene larger than the chip region.</summary>
public readonly record struct TrainingSample(int Tile, BoundingBox? Window);

/// <summary>
/// Turns an epoch's tile draws (<c>EpochOrder</c>: a permutation, or weighted draws) into training samples. A tile that
/// fits in one chip region yields one sample, exactly as before scenes were windowed; a larger one yields its
/// <see cref="SceneWindows"/> (about area / region², objects and background mixed at the configured fraction).
/// <para>Sample weights apply per tile: a weight scales how often a tile is drawn, and every draw of a scene yields all
/// its windows, so a scene of weight 2 contributes twice its windows and the weights keep their meaning relative to
/// each other whatever the tiles' sizes; the windows of one draw share its weight.</para>
/// <para>Memory: the draws are taken in pools of <c>scenesPerPool</c> consecutive draws and the windows are shuffled
/// within a pool only, so the scenes a stretch of batches reads fit the decoded-scene cache and each is decoded about
/// once an epoch. With every tile held in memory the pool is the whole epoch (a full shuffle).</para>
/// <para>Rare classes inside scenes: tile weights cannot favour a rare class when every scene holds every class, so
/// the windows of a scene can go to its rare-class objects first (<see cref="ClassWindowWeights"/>, weighting the
/// order in which <see cref="SceneWindows"/> visits objects). The number of windows does not change.</para>
/// </summary>
public static class EpochSamples
{
    /// <param name="classWeights">Null, or the weight of each class's objects in the order a scene's object windows
    /// visit them (<see cref="ClassWindowWeights"/>); a class not listed weighs 1.</param>
    public static TrainingSample[] Expand(int[] tileOrder, IReadOnlyList<LabelledTile> tiles, double region,
        double backgroundFraction, int scenesPerPool, int seed, IReadOnlyDictionary<string, double>? classWeights = null)
    {
        var rng = new Random(seed);
        var samples = new List<TrainingSample>(tileOrder.Length);
        int pool = Math.Max(1, scenesPerPool);
        for (int start = 0; start < tileOrder.Length; start += pool)
        {
            int first = samples.Count;
            bool windowed = false;
            for (int k = start; k < Math.Min(tileOrder.Length, start + pool); k++)
            {
                int t = tileOrder[k];
                var tile = tiles[t];
                if (SceneWindows.CountFor(tile.Width, tile.Height, region) == 1)
                {
                    samples.Add(new TrainingSample(t, null));
                    continue;
                }
                windowed = true;
                var objectWeights = classWeights is null ? null
                    : tile.Objects.Select(o => classWeights.GetValueOrDefault(o.Class, 1.0)).ToList();
                foreach (var window in SceneWindows.Sample(tile.Width, tile.Height, region,
                             tile.Objects.Select(o => o.Bounds).ToList(), backgroundFraction, rng, objectWeights))
                    samples.Add(new TrainingSample(t, window));
            }
            // Tiles that fit one chip keep the draw order (already random): small-tile training is unchanged.
            if (windowed) rng.Shuffle(CollectionsMarshal.AsSpan(samples)[first..]);
        }
        return samples.ToArray();
    }

    /// <summary>
    /// The weight of each class's objects in a scene's object-window order: (n_max / n_c)^<paramref name="exponent"/>,
    /// with n_c the class's objects in the training tiles and n_max the most common class's. 0, or classes all equally
    /// common (a single class), gives null (every object alike, the plain random order); 0.5 is the square root, as in repeat-factor sampling; 1 favours each class by its
    /// rarity in full.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? ClassWindowWeights(IReadOnlyList<LabelledTile> tiles, double exponent)
    {
        if (exponent == 0) return null;
        var counts = LabelledTile.ObjectsPerClass(tiles);
        if (counts.Count == 0) return null;
        int most = counts.Values.Max();
        // Every class as common as the most common (one class, say): the plain order, so such runs are unchanged.
        if (counts.Values.All(n => n == most)) return null;
        return counts.ToDictionary(p => p.Key, p => Math.Pow((double)most / p.Value, exponent), StringComparer.Ordinal);
    }

    /// <summary>Samples an epoch yields on average: Σ over tiles of weight × windows (weight 1 when unweighted).</summary>
    public static int ExpectedCount(IReadOnlyList<LabelledTile> tiles, IReadOnlyList<double>? weights, double region)
    {
        double total = 0;
        for (int t = 0; t < tiles.Count; t++)
            total += (weights?[t] ?? 1) * SceneWindows.CountFor(tiles[t].Width, tiles[t].Height, region);
        return Math.Max(1, (int)Math.Round(total));
    }

    /// <summary>Draws per pool so that the pool's scenes fit the decoded-scene cache; every draw when pixels are held.</summary>
    public static int ScenesPerPool(IReadOnlyList<LabelledTile> tiles)
    {
        var cache = tiles.Select(t => t.PixelCache).FirstOrDefault(c => c is not null);
        if (cache is null) return int.MaxValue;
        long largest = tiles.Max(t => t.DecodedBytes);
        return (int)Math.Clamp(cache.CapacityBytes / Math.Max(1, largest), 1, int.MaxValue);
    }
}
