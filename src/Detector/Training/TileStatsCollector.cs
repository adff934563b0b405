using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// After training: each training tile's loss (unaugmented chip) and, for each of its objects, the predicted
/// heatmap probability of its true class at its centre cell. Curriculum, active-bias and hard-example
/// samplers of the next cycle read these.
/// </summary>
public static class TileStatsCollector
{
    public static IReadOnlyList<TileTrainingStats> Collect(CenterNet model, IReadOnlyList<LabelledTile> tiles,
        IReadOnlyDictionary<string, int> classIndex, int chipSize, Normalisation norm, Device device, int batchSize,
        string cycleId, string? modelId)
    {
        var loader = new BatchLoader(tiles, classIndex, chipSize, batchSize, norm, augmentation: null);
        var stats = new List<TileTrainingStats>(tiles.Count);
        model.eval();
        using var _ = no_grad();
        foreach (var batch in loader.Batches(Enumerable.Range(0, tiles.Count).ToArray(), seed: 0))
        {
            using var scope = NewDisposeScope();
            var t = BatchTensors.From(batch, device);
            var output = model.call(t.Images);
            float[] losses = CenterNetLoss.PerSample(output, t.Heatmap, t.Size, t.Offset, t.Mask).to(CPU).data<float>().ToArray();
            int cells = batch.OutputSize * batch.OutputSize;
            float[] heat = output.narrow(1, 0, batch.ClassCount).sigmoid().to(CPU).contiguous().data<float>().ToArray();
            for (int i = 0; i < batch.Count; i++)
            {
                var probabilities = batch.Objects[i].Select(o =>
                {
                    int x = Math.Clamp((int)(o.Box.CenterX / DetectorArchitecture.OutputStride), 0, batch.OutputSize - 1);
                    int y = Math.Clamp((int)(o.Box.CenterY / DetectorArchitecture.OutputStride), 0, batch.OutputSize - 1);
                    return (double)heat[(i * batch.ClassCount + o.ClassIndex) * cells + y * batch.OutputSize + x];
                }).ToArray();
                stats.Add(new TileTrainingStats
                {
                    TileId = tiles[batch.TileIndices[i]].TileId, CycleId = cycleId, ModelId = modelId,
                    Loss = losses[i], TrueClassProbabilities = probabilities,
                });
            }
        }
        return stats;
    }
}
