using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;

namespace AutoRetrain.Detector.Evaluation;

/// <summary>mAP at IoU 0.5 (VOC all-point), overall and per class, of a predictor on labelled tiles.</summary>
public sealed record EvaluationResult(double Map50, IReadOnlyDictionary<string, double> PerClassAp50, int Images);

public static class DetectorEvaluator
{
    /// <summary>
    /// Classes in the labels that the model does not know are scored too (AP 0), so an older model is
    /// not rewarded for ignoring a class that appeared since it was trained.
    /// </summary>
    public static EvaluationResult Evaluate(ScenePredictor predictor, IReadOnlyList<string> classes, IReadOnlyList<LabelledTile> tiles)
    {
        if (tiles.Count == 0) return new EvaluationResult(double.NaN, new Dictionary<string, double>(), 0);
        var categories = classes.Concat(tiles.SelectMany(t => t.Objects).Select(o => o.Class)
            .Except(classes, StringComparer.Ordinal).Distinct().Order(StringComparer.Ordinal)).ToList();
        var categoryIndex = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var truth = tiles.Select(t => GroundTruthImage.FromLabelFile(
            new LabelFile { Image = t.TileId, Objects = t.Objects }, categoryIndex)).ToList();
        var predictions = predictor.Predict(tiles.Select(t => new SceneImage(t.Rgb, t.Width, t.Height)).ToList());
        var detections = predictions.SelectMany((image, i) => image.Select(d => new Detection(i, d.ClassIndex, d.Box, d.Score))).ToList();
        var metrics = VocEvaluator.Evaluate(truth, detections, categories, iouThreshold: 0.5);
        var perClass = new Dictionary<string, double>();
        for (int c = 0; c < categories.Count; c++)
            if (metrics.PerClassAP[c] >= 0) perClass[categories[c]] = metrics.PerClassAP[c];
        return new EvaluationResult(Math.Max(0, metrics.MeanAP), perClass, tiles.Count);
    }
}
