using AutoRetrain.Core.Metrics;
using static AutoRetrain.Core.Tests.Metrics.MetricsTestData;

namespace AutoRetrain.Core.Tests.Metrics;

public class VocEvaluatorTests
{
    // 4 gts; detections by score: hit, miss, hit, miss, hit.
    // tp 1 1 2 2 3, fp 0 1 1 2 2 → recall .25 .25 .5 .5 .75, precision 1 .5 2/3 .5 .6.
    private static (GroundTruthImage[] Images, Detection[] Detections) HandCurve()
    {
        var image = Image(Gt(0, 0, 10, 10), Gt(100, 0, 110, 10), Gt(200, 0, 210, 10), Gt(300, 0, 310, 10));
        Detection[] dets =
        [
            Det(0, 0, 0, 10, 10, 0.9), Miss(0, 0.8), Det(0, 100, 0, 110, 10, 0.7), Miss(0, 0.6), Det(0, 200, 0, 210, 10, 0.5),
        ];
        return ([image], dets);
    }

    [Fact]
    public void Evaluate_AllPoint_IsTheAreaUnderTheMonotonePrecisionCurve()
    {
        // Monotone precision at recall .25 → 1, .5 → 2/3, .75 → .6, 1 → 0.
        // AP = .25 * 1 + .25 * 2/3 + .25 * .6 = 17/30.
        var (images, dets) = HandCurve();
        var m = VocEvaluator.Evaluate(images, dets, OneClass, useElevenPoint: false);
        Assert.Equal(17.0 / 30, m.PerClassAP[0], Tolerance);
        Assert.Equal(17.0 / 30, m.MeanAP, Tolerance);
    }

    [Fact]
    public void Evaluate_ElevenPoint_AveragesBestPrecisionAtElevenRecallLevels()
    {
        // Levels 0, .1, .2 → 1; .3, .4, .5 → 2/3; .6, .7 → .6; .8, .9, 1 → 0.
        // AP = (3 + 2 + 1.2) / 11 = 6.2 / 11.
        var (images, dets) = HandCurve();
        var m = VocEvaluator.Evaluate(images, dets, OneClass, useElevenPoint: true);
        Assert.Equal(6.2 / 11, m.PerClassAP[0], Tolerance);
    }

    [Fact]
    public void Evaluate_OverlapExactlyAtThreshold_IsAHitWithInclusivePixelBoxes()
    {
        // Inclusive pixels: gt [0,0,9,9] is 10x10 = 100, detection [0,0,9,19] is 10x20 = 200,
        // overlap 100 / 200 = 0.5 ≥ 0.5 → hit, AP 1. (Continuous boxes would give 81/171 < 0.5.)
        GroundTruthImage[] images = [Image(Gt(0, 0, 9, 9))];
        Detection[] dets = [Det(0, 0, 0, 9, 19, 0.9)];
        Assert.Equal(1, VocEvaluator.Evaluate(images, dets, OneClass, iouThreshold: 0.5).MeanAP);
        Assert.Equal(0, VocEvaluator.Evaluate(images, dets, OneClass, iouThreshold: 0.51).MeanAP);
    }

    [Fact]
    public void Evaluate_DifficultObjects_AreNeitherHitsNorMissesNorCounted()
    {
        // Normal gt found at 0.9; a difficult gt "found" at 0.95 (ignored, not a false positive);
        // another difficult gt never found (not counted in npos). npos = 1 → recall 1, precision 1.
        var image = Image(Gt(0, 0, 10, 10), Gt(100, 0, 110, 10, difficult: true), Gt(200, 0, 210, 10, difficult: true));
        Detection[] dets = [Det(0, 100, 0, 110, 10, 0.95), Det(0, 0, 0, 10, 10, 0.9)];
        Assert.Equal(1, VocEvaluator.Evaluate([image], dets, OneClass).MeanAP, Tolerance);
        Assert.Equal(1, VocEvaluator.Evaluate([image], dets, OneClass, useElevenPoint: true).MeanAP, Tolerance);
    }

    [Fact]
    public void Evaluate_SecondDetectionOfTheSameObject_IsAFalsePositive()
    {
        // The better-scored detection takes the object; the later one on it is a duplicate.
        // Detections: hit (0.9), duplicate (0.8), hit on the second gt (0.7); npos = 2.
        // recall .5 .5 1, precision 1 .5 2/3 → all-point AP = .5 * 1 + .5 * 2/3 = 5/6.
        var image = Image(Gt(0, 0, 10, 10), Gt(100, 0, 110, 10));
        Detection[] dets = [Det(0, 0, 0, 10, 10, 0.9), Det(0, 0, 0, 10, 10, 0.8), Det(0, 100, 0, 110, 10, 0.7)];
        Assert.Equal(5.0 / 6, VocEvaluator.Evaluate([image], dets, OneClass).MeanAP, Tolerance);
    }

    [Fact]
    public void Evaluate_ClassWithoutGroundTruth_IsMinusOneAndLeftOutOfTheMean()
    {
        var m = VocEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 10, 10, 0.9), Miss(0, 0.9, category: 1)], TwoClasses);
        Assert.Equal(1, m.PerClassAP[0]);
        Assert.Equal(-1, m.PerClassAP[1]);
        Assert.Equal(1, m.MeanAP);
    }

    [Fact]
    public void Evaluate_NoDetections_APIsZero()
    {
        Assert.Equal(0, VocEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [], OneClass).MeanAP);
        Assert.Equal(0, VocEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [], OneClass, useElevenPoint: true).MeanAP);
    }

    [Fact]
    public void Accumulate_ImageDrawnTwice_EqualsGroundTruthListedTwice()
    {
        var (images, dets) = HandCurve();
        GroundTruthImage other = Image(Gt(0, 0, 50, 50));
        var evaluations = VocImageEvaluations.Compute([images[0], other], [.. dets, Det(1, 0, 0, 40, 50, 0.75)], OneClass);
        var resampled = evaluations.Accumulate([0, 1, 0], useElevenPoint: false);

        var copies = new List<Detection>();
        foreach (int image in new[] { 0, 2 })
            foreach (var d in dets) copies.Add(d with { Image = image });
        copies.Add(Det(1, 0, 0, 40, 50, 0.75));
        var direct = VocEvaluator.Evaluate([images[0], other, images[0]], copies, OneClass);
        Assert.Equal(direct.MeanAP, resampled.MeanAP, Tolerance);
    }

    [Fact]
    public void Evaluate_ThresholdOutsideZeroToOne_Throws() =>
        Assert.Throws<AutoRetrainException>(() => VocEvaluator.Evaluate([Image()], [], OneClass, iouThreshold: 0));
}
