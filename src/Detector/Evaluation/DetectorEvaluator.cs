using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Evaluation;

/// <summary>
/// Scores of a detector on labelled scenes. <see cref="Map50"/> and <see cref="PerClassAp50"/> are PASCAL VOC all-point
/// AP at IoU 0.5 (what the trainer selects its best epoch on); the Coco* figures are what pycocotools reports on the same
/// detections (COCOeval, iouType bbox, default parameters: 101 recall points, at most 100 detections an image), so they
/// equal <c>predict</c> followed by <c>autoretrain evaluate --metric coco</c> on the same data.
/// </summary>
public sealed record EvaluationResult(double Map50, IReadOnlyDictionary<string, double> PerClassAp50, int Images)
{
    /// <summary>COCO AP at IoU .50:.95 (pycocotools' stats[0]).</summary>
    public double CocoAp { get; init; } = double.NaN;

    /// <summary>COCO AP at IoU .50 (stats[1]).</summary>
    public double CocoAp50 { get; init; } = double.NaN;

    /// <summary>COCO AP at IoU .50 per class (classes without ground truth left out).</summary>
    public IReadOnlyDictionary<string, double> PerClassCocoAp50 { get; init; } = new Dictionary<string, double>();

    /// <summary>COCO AP at IoU .50:.95 per class (classes without ground truth left out).</summary>
    public IReadOnlyDictionary<string, double> PerClassCocoAp { get; init; } = new Dictionary<string, double>();
}

public static class DetectorEvaluator
{

    /// <summary>
    /// Scene-level validation: the model predicts every scene through the same chip grid, batching and cross-chip NMS as
    /// <c>predict</c> (<see cref="ScenePredictor"/>), and the detections are scored per scene with both evaluators.
    /// </summary>
    public static EvaluationResult Evaluate(CenterNet model, ModelMetadata metadata, Device device, IReadOnlyList<LabelledTile> tiles,
        PredictionOptions? options = null) =>
        Evaluate(ScenePredictor.For(model, metadata, device, options), metadata.Classes, tiles);

    /// <summary>
    /// Classes in the labels that the model does not know are scored too (AP 0), so an older model is
    /// not rewarded for ignoring a class that appeared since it was trained.
    /// </summary>
    public static EvaluationResult Evaluate(ScenePredictor predictor, IReadOnlyList<string> classes, IReadOnlyList<LabelledTile> tiles)
    {
        if (tiles.Count == 0) return new EvaluationResult(double.NaN, new Dictionary<string, double>(), 0);
        // A chunk of scenes at a time, as the hosts' predictor does: scenes decoded on demand are not all held at once.
        var predictions = new List<IReadOnlyList<Decoding.Detection>>(tiles.Count);
        foreach (var chunk in tiles.Chunk(ScenePredictor.ScenesPerCall))
        {
            var leases = chunk.Select(t => t.RentPixels()).ToList();
            try
            {
                predictions.AddRange(predictor.Predict(chunk.Select((t, i) => new SceneImage(leases[i].Pixels, t.Width, t.Height, t.GroundSampleMetres)).ToList()));
            }
            finally
            {
                foreach (var lease in leases) lease.Dispose();
            }
        }
        return Score(classes, tiles, predictions);
    }

    /// <summary>Scores given detections (class indices into <paramref name="classes"/>, one list per tile).</summary>
    public static EvaluationResult Score(IReadOnlyList<string> classes, IReadOnlyList<LabelledTile> tiles,
        IReadOnlyList<IReadOnlyList<Decoding.Detection>> predictions)
    {
        var categories = classes.Concat(tiles.SelectMany(t => t.Objects).Select(o => o.Class)
            .Except(classes, StringComparer.Ordinal).Distinct().Order(StringComparer.Ordinal)).ToList();
        var categoryIndex = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var truth = tiles.Select(t => GroundTruthImage.FromLabelFile(
            new LabelFile { Image = t.TileId, Objects = t.Objects }, categoryIndex)).ToList();
        var detections = predictions.SelectMany((image, i) => image.Select(d => new Detection(i, d.ClassIndex, d.Box, d.Score))).ToList();
        var voc = VocEvaluator.Evaluate(truth, detections, categories, iouThreshold: 0.5);
        var coco = CocoEvaluator.Evaluate(truth, detections, categories);
        return new EvaluationResult(Math.Max(0, voc.MeanAP), PerClass(categories, voc.PerClassAP), tiles.Count)
        {
            CocoAp = Math.Max(0, coco.AP), CocoAp50 = Math.Max(0, coco.AP50),
            PerClassCocoAp50 = PerClass(categories, coco.PerClassAP50), PerClassCocoAp = PerClass(categories, coco.PerClassAP),
        };
    }

    // -1 marks a class without ground truth in these tiles: it has no AP to report.
    private static Dictionary<string, double> PerClass(IReadOnlyList<string> categories, IReadOnlyList<double> ap)
    {
        var perClass = new Dictionary<string, double>();
        for (int c = 0; c < categories.Count; c++)
            if (ap[c] >= 0) perClass[categories[c]] = ap[c];
        return perClass;
    }
}
