using AutoRetrain.Core;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// Test-time scales (<see cref="PredictionOptions.Scales"/>): the scene is read at multiples of the model's scale,
/// each through its own chip grid, and all detections go through the one cross-chip NMS.
/// </summary>
public class TestTimeScalesTests
{
    private static CenterNet UntrainedModel() => WindowedPredictionTests.UntrainedModel(seed: 9);

    private static SceneImage Scene()
    {
        var tile = ShapeTiles.Make(1, 300, ["boat", "car", "tank"], seed: 3, objectsPerTile: 12, objectSize: 14)[0];
        return new SceneImage(tile.Rgb, tile.Width, tile.Height);
    }

    [Fact]
    public void OneScale_IsAMultipleOfTheModelsScale()
    {
        using var model = UntrainedModel();
        var scene = Scene();
        var options = new PredictionOptions { MinScore = 0, BatchSize = 1 };

        var atHalf = new ScenePredictor(model, 64, Normalisation.Default, CPU, options with { Scales = [0.5] }, inputScale: 1).Predict([scene])[0];
        var modelAtHalf = new ScenePredictor(model, 64, Normalisation.Default, CPU, options, inputScale: 0.5).Predict([scene])[0];
        var modelAtOne = new ScenePredictor(model, 64, Normalisation.Default, CPU, options, inputScale: 1).Predict([scene])[0];

        Assert.True(atHalf.Count > 5, $"{atHalf.Count} detections");
        Assert.Equal(modelAtHalf, atHalf);
        Assert.NotEqual(modelAtOne, atHalf);
    }

    [Fact]
    public void TwoScales_GoThroughOneNmsThatKeepsTheBestOfEither()
    {
        using var model = UntrainedModel();
        var scene = Scene();
        var options = new PredictionOptions { MinScore = 0, BatchSize = 1 };
        ScenePredictor At(params double[] scales) => new(model, 64, Normalisation.Default, CPU, options with { Scales = scales });

        var one = At(1).Predict([scene])[0];
        var half = At(0.5).Predict([scene])[0];
        var both = At(1, 0.5).Predict([scene])[0];

        // Nothing of one class overlaps beyond the NMS threshold, across scales as within one.
        foreach (var a in both)
            Assert.DoesNotContain(both, b => !a.Equals(b) && a.ClassIndex == b.ClassIndex && a.Box.IoU(b.Box) > options.NmsIoU);
        // The best detection of either scale is never suppressed, and detections come from both grids.
        var best = one.Concat(half).MaxBy(d => d.Score);
        Assert.Contains(best, both);
        Assert.Contains(both, d => one.Contains(d) && !half.Contains(d));
        Assert.Contains(both, d => half.Contains(d) && !one.Contains(d));
        // Every merged detection is one of the scales' own, before or after their own NMS (boxes are not averaged).
        Assert.True(both.Count(d => one.Contains(d) || half.Contains(d)) >= both.Count * 0.9,
            $"{both.Count(d => one.Contains(d) || half.Contains(d))} of {both.Count} found in a single-scale result");
    }

    [Theory]
    [InlineData(new double[0], "give 1 to 4 scales")]
    [InlineData(new[] { 1.0, 5.0 }, "--scales 5")]
    [InlineData(new[] { 1.0, double.NaN }, "--scales NaN")]
    [InlineData(new[] { 1.5, 1.5 }, "a scale is given twice")]
    public void CheckScales_RefusesWhatCannotBeAScale(double[] scales, string message)
    {
        var error = Assert.Throws<AutoRetrainException>(() => PredictionOptions.CheckScales(scales, "--scales"));
        Assert.Contains(message, error.Message);
    }
}
