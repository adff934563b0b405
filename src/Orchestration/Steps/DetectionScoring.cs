using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>Scores a model on labelled tiles of the store: ground truth from the sidecars, detections from the predictor.</summary>
public static class DetectionScoring
{
    public static async Task<IReadOnlyList<GroundTruthImage>> GroundTruthAsync(IArtifactStore store, IReadOnlyList<SnapshotEntry> tiles,
        IReadOnlyDictionary<string, int> categoryIndex, CancellationToken ct)
    {
        var images = new List<GroundTruthImage>(tiles.Count);
        foreach (var entry in tiles)
        {
            var bytes = await store.GetAsync(Containers.Datasets, entry.LabelKey, ct)
                ?? throw new AutoRetrainException($"labels {Containers.Datasets}/{entry.LabelKey} of tile {entry.TileId} are missing.");
            images.Add(GroundTruthImage.FromLabelFile(Json.Deserialize<LabelFile>(Encoding.UTF8.GetString(bytes), entry.LabelKey), categoryIndex));
        }
        return images;
    }

    /// <summary>Per-image COCO evaluation of one model (match once; accumulate any subset later).</summary>
    public static async Task<CocoImageEvaluations> EvaluateAsync(IModelPredictor predictor, string modelKey,
        IReadOnlyList<SnapshotEntry> tiles, IReadOnlyList<GroundTruthImage> groundTruth, IReadOnlyList<string> categories, CancellationToken ct)
    {
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var byTile = (await predictor.PredictAsync(modelKey, tiles, ct)).ToDictionary(p => p.TileId);
        var detections = new List<Detection>();
        for (int i = 0; i < tiles.Count; i++)
            if (byTile.TryGetValue(tiles[i].TileId, out var p))
                foreach (var o in p.Objects)
                    // A class the ground truth does not know cannot be scored here (the model knows more classes).
                    if (index.TryGetValue(o.Class, out int category))
                        detections.Add(new Detection(i, category, BoundingBox.FromArray(o.Box), o.Score));
        return CocoImageEvaluations.Compute(groundTruth, detections, categories);
    }
}
