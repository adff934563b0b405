using AutoRetrain.Imagery.Chips;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// After training: each training tile's loss and, for each of its objects, the predicted heatmap probability of its
/// true class at its centre cell. A tile larger than a chip is covered by the chip grid the predictor uses (no
/// augmentation): its loss is the mean over its chips, and each object is read in the first chip that holds its
/// centre. Curriculum, active-bias and hard-example samplers of the next cycle read these.
/// </summary>
public static class TileStatsCollector
{
    public static IReadOnlyList<TileTrainingStats> Collect(CenterNet model, IReadOnlyList<LabelledTile> tiles,
        IReadOnlyDictionary<string, int> classIndex, int chipSize, Normalisation norm, Device device, int batchSize,
        string cycleId, string? modelId, double inputScale = 1)
    {
        int region = InputScale.RegionFor(chipSize, inputScale);
        double scale = (double)chipSize / region;
        var chips = tiles.SelectMany((t, i) => ChipGrid.For(t.Width, t.Height, region, overlap: 0).Select(c => (Tile: i, c.X, c.Y))).ToList();
        var lossSum = new double[tiles.Count];
        var chipCount = new int[tiles.Count];
        var probabilities = tiles.Select(t => Enumerable.Repeat(double.NaN, t.Objects.Count).ToArray()).ToArray();
        model.eval();
        using var _ = no_grad();
        ChipBatch? previous = null;
        float[]? heat = null; // one batch's class heatmaps, reused: a new 1.8-MB array a batch was large-object garbage
        for (int start = 0; start < chips.Count; start += batchSize)
        {
            var slice = chips.GetRange(start, Math.Min(batchSize, chips.Count - start));
            var batch = previous = ChipBatch.Build(tiles, classIndex, slice.Select(c => c.Tile).ToArray(), chipSize, norm,
                i => ChipTransform.Identity with { OriginX = slice[i].X, OriginY = slice[i].Y, Scale = scale }, previous);
            using var scope = NewDisposeScope();
            var t = BatchTensors.From(batch, device);
            var output = model.call(t.Images);
            float[] losses = CenterNetLoss.PerSample(output, t.Heatmap, t.Size, t.Offset, t.Mask).to(CPU).data<float>().ToArray();
            int cells = batch.OutputSize * batch.OutputSize;
            var heatmaps = output.narrow(1, 0, batch.ClassCount).sigmoid().to(CPU).contiguous();
            if (heat is null || heat.LongLength < heatmaps.numel()) heat = new float[heatmaps.numel()];
            heatmaps.data<float>().CopyTo(heat);
            for (int i = 0; i < slice.Count; i++)
            {
                var (tileIndex, x, y) = slice[i];
                lossSum[tileIndex] += losses[i];
                chipCount[tileIndex]++;
                var objects = tiles[tileIndex].Objects;
                for (int j = 0; j < objects.Count; j++)
                {
                    double cx = (objects[j].Bounds.CenterX - x) * scale, cy = (objects[j].Bounds.CenterY - y) * scale;
                    if (!double.IsNaN(probabilities[tileIndex][j]) || cx < 0 || cy < 0 || cx >= chipSize || cy >= chipSize
                        || !classIndex.TryGetValue(objects[j].Class, out int cls)) continue;
                    int cellX = Math.Clamp((int)(cx / DetectorArchitecture.OutputStride), 0, batch.OutputSize - 1);
                    int cellY = Math.Clamp((int)(cy / DetectorArchitecture.OutputStride), 0, batch.OutputSize - 1);
                    probabilities[tileIndex][j] = heat[(i * batch.ClassCount + cls) * cells + cellY * batch.OutputSize + cellX];
                }
            }
        }
        return tiles.Select((tile, i) => new TileTrainingStats
        {
            TileId = tile.TileId, CycleId = cycleId, ModelId = modelId,
            Loss = chipCount[i] > 0 ? lossSum[i] / chipCount[i] : 0,
            // A centre outside the tile (a box clipped by the label's edge) or a class the model lacks reads as 0.
            TrueClassProbabilities = probabilities[i].Select(p => double.IsNaN(p) ? 0 : p).ToArray(),
        }).ToList();
    }
}
