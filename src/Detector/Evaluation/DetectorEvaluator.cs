using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Temporary;

namespace AutoRetrain.Detector.Evaluation;

/// <summary>mAP at IoU 0.5, overall and per class, of a predictor on labelled tiles.</summary>
public sealed record EvaluationResult(double Map50, IReadOnlyDictionary<string, double> PerClassAp50, int Images);

public static class DetectorEvaluator
{
    public static EvaluationResult Evaluate(ScenePredictor predictor, IReadOnlyList<string> classes, IReadOnlyList<LabelledTile> tiles)
    {
        if (tiles.Count == 0) return new EvaluationResult(double.NaN, new Dictionary<string, double>(), 0);
        var predictions = predictor.Predict(tiles.Select(t => new SceneImage(t.Rgb, t.Width, t.Height)).ToList());
        var result = TemporaryAp50.Compute(classes, tiles.Select((t, i) => (t.Objects, predictions[i])).ToList());
        return new EvaluationResult(result.MeanAp50, result.PerClass, tiles.Count);
    }
}
