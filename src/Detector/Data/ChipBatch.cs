using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.Data;

/// <summary>One batch on the CPU side, ready to become tensors: chips [B,3,S,S] and CenterNet targets at stride 4.</summary>
public sealed class ChipBatch
{
    public required int[] TileIndices { get; init; }
    public required int ChipSize { get; init; }
    public required int ClassCount { get; init; }
    public required float[] Images { get; init; }
    public required float[] Heatmap { get; init; }
    public required float[] Size { get; init; }
    public required float[] Offset { get; init; }
    public required float[] Mask { get; init; }
    /// <summary>Each sample's objects in chip coordinates (for per-tile statistics).</summary>
    public required IReadOnlyList<ChipObject>[] Objects { get; init; }

    public int Count => TileIndices.Length;
    public int OutputSize => ChipSize / DetectorArchitecture.OutputStride;

    /// <summary>Builds a batch of training samples (a tile, or a window of a scene); sample <c>i</c> draws its augmentation
    /// from its own seed so a batch is the same whatever the thread count.</summary>
    public static ChipBatch Build(IReadOnlyList<LabelledTile> tiles, IReadOnlyDictionary<string, int> classIndex, TrainingSample[] samples,
        int chipSize, Normalisation norm, AugmentationOptions? augmentation, int[] sampleSeeds, double baseScale = 1, ChipBatch? recycle = null, double regressionArea = 0) =>
        Build(tiles, classIndex, samples.Select(s => s.Tile).ToArray(), chipSize, norm, i =>
        {
            var tile = tiles[samples[i].Tile];
            return augmentation is null
                ? ChipTransform.Plain(tile.Width, tile.Height, chipSize, baseScale, samples[i].Window)
                : ChipTransform.Random(new Random(sampleSeeds[i]), tile.Width, tile.Height, chipSize, augmentation, baseScale, samples[i].Window);
        }, recycle, regressionArea);

    /// <summary>
    /// Builds a batch whose sample <c>i</c> is cut from its tile by <paramref name="transformOf"/>(i). Given a
    /// <paramref name="recycle"/>d batch of the same shape, its arrays are cleared and reused, and that batch must not be
    /// read again: the training loop and the per-tile statistics copy each batch into tensors before building the next,
    /// and a batch of 16 chips of 256 px is 13 MB of large-object heap the collector would otherwise reclaim every step.
    /// <paramref name="regressionArea"/> is the targets' β (<see cref="CenterNetTargets"/>; 0, the centre cell alone).
    /// </summary>
    public static ChipBatch Build(IReadOnlyList<LabelledTile> tiles, IReadOnlyDictionary<string, int> classIndex, int[] tileIndices,
        int chipSize, Normalisation norm, Func<int, ChipTransform> transformOf, ChipBatch? recycle = null, double regressionArea = 0)
    {
        int n = tileIndices.Length, classCount = classIndex.Count, output = chipSize / DetectorArchitecture.OutputStride;
        int image = 3 * chipSize * chipSize, cells = output * output;
        bool reuse = recycle is not null && recycle.Count == n && recycle.ChipSize == chipSize && recycle.ClassCount == classCount;
        if (reuse)
            foreach (var array in new[] { recycle!.Images, recycle.Heatmap, recycle.Size, recycle.Offset, recycle.Mask })
                Array.Clear(array);
        var batch = new ChipBatch
        {
            TileIndices = tileIndices, ChipSize = chipSize, ClassCount = classCount,
            Images = reuse ? recycle!.Images : new float[n * image], Heatmap = reuse ? recycle!.Heatmap : new float[n * classCount * cells],
            Size = reuse ? recycle!.Size : new float[n * 2 * cells], Offset = reuse ? recycle!.Offset : new float[n * 2 * cells],
            Mask = reuse ? recycle!.Mask : new float[n * cells],
            Objects = new IReadOnlyList<ChipObject>[n],
        };
        Parallel.For(0, n, i =>
        {
            var tile = tiles[tileIndices[i]];
            var transform = transformOf(i);
            using (var pixels = tile.RentPixels())
                ChipRenderer.Render(pixels.Pixels, tile.Width, tile.Height, transform, chipSize, norm, batch.Images.AsSpan(i * image, image));
            var objects = new List<ChipObject>();
            foreach (var o in tile.Objects)
                if (classIndex.TryGetValue(o.Class, out int cls) && transform.MapBox(o.Bounds, chipSize) is { } box)
                    objects.Add(new ChipObject(box, cls));
            batch.Objects[i] = objects;
            CenterNetTargets.Write(objects, output, output, DetectorArchitecture.OutputStride,
                batch.Heatmap.AsSpan(i * classCount * cells, classCount * cells), batch.Size.AsSpan(i * 2 * cells, 2 * cells),
                batch.Offset.AsSpan(i * 2 * cells, 2 * cells), batch.Mask.AsSpan(i * cells, cells), regressionArea);
        });
        return batch;
    }
}
