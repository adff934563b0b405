using AutoRetrain.Core.Metrics;
using static AutoRetrain.Core.Tests.Metrics.MetricsTestData;

namespace AutoRetrain.Core.Tests.Metrics;

public class CocoEvaluatorTests
{
    // One true positive alone has precision 1 / (1 + np.spacing(1)) = 1 - 2^-52, as in pycocotools.
    private const double LoneHitPrecision = 1 / (1 + 2.220446049250313e-16);

    [Fact]
    public void Evaluate_PerfectDetection_APIsOneAndOnlySmallRangeIsDefined()
    {
        // 10x10 box: area 100 ≤ 32², so it is small; medium and large have no ground truth → -1.
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 10, 10, 0.9)], OneClass);
        Assert.Equal(LoneHitPrecision, m.AP, Tolerance);
        Assert.Equal(LoneHitPrecision, m.AP50, Tolerance);
        Assert.Equal(LoneHitPrecision, m.Stats[3], Tolerance); // APs
        Assert.Equal(-1, m.Stats[4]); // APm
        Assert.Equal(-1, m.Stats[5]); // APl
        Assert.Equal(1, m.Stats[6]);  // AR1: recall is exactly 1/1
        Assert.Equal(-1, m.Stats[10]); // ARm
    }

    [Fact]
    public void Evaluate_NoDetections_APAndARAreZero()
    {
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [], OneClass);
        Assert.Equal(0, m.AP);
        Assert.Equal(0, m.Stats[8]); // AR100
        Assert.Equal(0, m.PerClassAP[0]);
    }

    [Fact]
    public void Evaluate_NoGroundTruthAtAll_EveryNumberIsMinusOne()
    {
        var m = CocoEvaluator.Evaluate([Image()], [Miss(0, 0.9)], OneClass);
        Assert.All(m.Stats, s => Assert.Equal(-1, s));
        Assert.Equal(-1, m.PerClassAP[0]);
    }

    [Fact]
    public void Evaluate_ClassWithoutGroundTruth_IsMinusOneAndLeftOutOfTheMean()
    {
        // plane: found perfectly; ship: only a false positive and no ground truth.
        var m = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10, category: 0))],
            [Det(0, 0, 0, 10, 10, 0.9, category: 0), Det(0, 20, 20, 30, 30, 0.99, category: 1)],
            TwoClasses);
        Assert.Equal(LoneHitPrecision, m.PerClassAP[0], Tolerance);
        Assert.Equal(-1, m.PerClassAP[1]);
        Assert.Equal(-1, m.PerClassAP50[1]);
        Assert.Equal(LoneHitPrecision, m.AP, Tolerance);
    }

    [Fact]
    public void Evaluate_TwoClasses_APIsTheMeanOfClassAPs()
    {
        // plane: one hit → ≈1. ship: a miss (0.95) ranked above a hit (0.9) on 1 gt:
        // rc [0, 1], pr [0, 1/2] → monotone [1/2, 1/2] → 0.5 at every recall point.
        var m = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10, category: 0), Gt(50, 50, 60, 60, category: 1))],
            [Det(0, 0, 0, 10, 10, 0.9, 0), Miss(0, 0.95, 1), Det(0, 50, 50, 60, 60, 0.9, 1)],
            TwoClasses);
        Assert.Equal(0.5, m.PerClassAP[1], Tolerance);
        Assert.Equal((LoneHitPrecision + 0.5) / 2, m.AP, Tolerance);
    }

    [Fact]
    public void Evaluate_EqualScoresOnDifferentImages_EarlierImageRanksFirst()
    {
        // Same score 0.5 on both images; one gt, on image 1.
        // Miss on image 0 first: rc [0, 1], pr [0, 0.5] → AP 0.5.
        var missFirst = CocoEvaluator.Evaluate(
            [Image(), Image(Gt(0, 0, 10, 10))], [Det(1, 0, 0, 10, 10, 0.5), Miss(0, 0.5)], OneClass);
        Assert.Equal(0.5, missFirst.AP, Tolerance);

        // Hit on image 0 first: rc [1, 1], pr [≈1, 0.5] → monotone keeps ≈1 at every point.
        var hitFirst = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10)), Image()], [Miss(1, 0.5), Det(0, 0, 0, 10, 10, 0.5)], OneClass);
        Assert.Equal(LoneHitPrecision, hitFirst.AP, Tolerance);
    }

    [Fact]
    public void Evaluate_EqualScoresInOneImage_InputOrderDecidesTheMatch()
    {
        // gt [0,0,10,10]. Detection A (listed first) has IoU 60/100 = 0.6, B is exact; same score.
        // Stable order A, B. Thresholds .50 .55 .60: A hits, B is a duplicate → pr [≈1, .5] → ≈1.
        // Thresholds .65 … .95 (7 of them): A misses, B hits → rc [0, 1], pr [0, .5] → 0.5.
        // AP = (3 * ≈1 + 7 * 0.5) / 10 ≈ 0.65.
        var m = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 6, 10, 0.7), Det(0, 0, 0, 10, 10, 0.7)], OneClass);
        Assert.Equal((3 * LoneHitPrecision + 7 * 0.5) / 10, m.AP, Tolerance);
    }

    [Fact]
    public void Evaluate_DetectionOnImageWithoutGroundTruth_IsAFalsePositive()
    {
        // Miss on image 1 (0.95) above the hit on image 0 (0.9): rc [0, 1], pr [0, .5] → 0.5.
        var m = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10)), Image()], [Det(0, 0, 0, 10, 10, 0.9), Det(1, 0, 0, 10, 10, 0.95)], OneClass);
        Assert.Equal(0.5, m.AP, Tolerance);
        Assert.Equal(1, m.Stats[8]);
    }

    [Fact]
    public void Evaluate_TouchingBoxes_DoNotMatch()
    {
        // Shared edge x = 10: intersection width 0 → IoU 0 → a miss, AP 0.
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [Det(0, 10, 0, 20, 10, 0.9)], OneClass);
        Assert.Equal(0, m.AP);
        Assert.Equal(0, m.Stats[8]);
    }

    [Fact]
    public void Iou_CrowdRegion_IsIntersectionOverDetectionArea()
    {
        var det = new Labels.BoundingBox(0, 0, 10, 10);
        var crowd = new Labels.BoundingBox(5, 0, 100, 100);
        // Intersection 5x10 = 50; crowd: 50 / 100 (detection area); regular: 50 / (100 + 9500 - 50).
        Assert.Equal(0.5, CocoMatcher.Iou(det, 100, crowd, 9500, crowd: true));
        Assert.Equal(50.0 / 9550, CocoMatcher.Iou(det, 100, crowd, 9500, crowd: false));
    }

    [Fact]
    public void Evaluate_DetectionsInsideCrowdRegion_AreIgnoredNotFalsePositives()
    {
        // One regular gt found at 0.5, three detections inside the crowd region ranked above it.
        // Each has IoU 1 with the crowd (inside it), the crowd absorbs all three, so they are ignored.
        // Only the hit counts: AP ≈ 1. Without the crowd flag they would be 3 false positives first.
        var image = Image(Gt(0, 0, 10, 10), Gt(100, 0, 200, 100, crowd: true));
        Detection[] dets =
        [
            Det(0, 110, 10, 130, 30, 0.9), Det(0, 140, 10, 160, 30, 0.8), Det(0, 170, 10, 190, 30, 0.7),
            Det(0, 0, 0, 10, 10, 0.5),
        ];
        var m = CocoEvaluator.Evaluate([image], dets, OneClass);
        Assert.Equal(LoneHitPrecision, m.AP, Tolerance);
        Assert.Equal(1, m.Stats[8]);

        var notCrowd = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10), Gt(100, 0, 200, 100))], dets, OneClass);
        Assert.True(notCrowd.AP < 0.5);
    }

    [Fact]
    public void Evaluate_OnlyCrowdGroundTruth_EveryNumberIsMinusOne()
    {
        // A crowd region alone: no positives, so -1 everywhere, even with a detection on it.
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 100, 100, crowd: true))], [Det(0, 0, 0, 100, 100, 0.9)], OneClass);
        Assert.Equal(-1, m.AP);
    }

    [Fact]
    public void Evaluate_AreaRanges_UseTheGroundTruthAreaAndIgnoreDetectionsOutsideTheRange()
    {
        // Small gt (area 100) found at 0.9; an unmatched large detection (area 10000) at 0.95.
        // all: rc [0, 1], pr [0, 1/2] → 0.5. small: the large miss is outside the range → ignored → ≈1.
        // medium and large: no ground truth → -1.
        var m = CocoEvaluator.Evaluate(
            [Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 10, 10, 0.9), Det(0, 200, 200, 300, 300, 0.95)], OneClass);
        Assert.Equal(0.5, m.AP, Tolerance);
        Assert.Equal(LoneHitPrecision, m.Stats[3], Tolerance);
        Assert.Equal(-1, m.Stats[4]);
        Assert.Equal(-1, m.Stats[5]);
    }

    [Fact]
    public void Evaluate_AnnotationAreaField_DecidesTheRangeNotTheBox()
    {
        // A 10x10 box whose annotation says area 5000 (32² ≤ 5000 ≤ 96²): medium, not small.
        var gt = new GroundTruthObject(0, new Labels.BoundingBox(0, 0, 10, 10), 5000);
        var m = CocoEvaluator.Evaluate([new GroundTruthImage("a", [gt])], [Det(0, 0, 0, 10, 10, 0.9)], OneClass);
        Assert.Equal(-1, m.Stats[3]);
        Assert.Equal(LoneHitPrecision, m.Stats[4], Tolerance);
    }

    [Fact]
    public void Evaluate_AreaOnRangeBoundary_BelongsToBothRanges()
    {
        // Area exactly 32² = 1024 is inside [0, 32²] and [32², 96²] (both ends inclusive).
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 32, 32))], [Det(0, 0, 0, 32, 32, 0.9)], OneClass);
        Assert.Equal(LoneHitPrecision, m.Stats[3], Tolerance);
        Assert.Equal(LoneHitPrecision, m.Stats[4], Tolerance);
    }

    [Fact]
    public void Evaluate_HitRankedEleventh_CountsOnlyForMaxDets100()
    {
        // Ten misses above the hit. maxDets 1 and 10 never reach it: AR1 = AR10 = 0, AR100 = 1.
        // AP (100): rc reaches 1 at the 11th detection with precision 1/11 → every recall point 1/11.
        var dets = new List<Detection>();
        for (int i = 0; i < 10; i++) dets.Add(Miss(0, 0.9 - i * 0.01));
        dets.Add(Det(0, 0, 0, 10, 10, 0.1));
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], dets, OneClass);
        Assert.Equal(0, m.Stats[6]);
        Assert.Equal(0, m.Stats[7]);
        Assert.Equal(1, m.Stats[8]);
        Assert.Equal(1.0 / 11, m.AP, Tolerance);
    }

    [Fact]
    public void Evaluate_HitRanked101st_IsDroppedByTheHundredDetectionLimit()
    {
        var dets = new List<Detection>();
        for (int i = 0; i < 100; i++) dets.Add(Miss(0, 0.9));
        dets.Add(Det(0, 0, 0, 10, 10, 0.1));
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], dets, OneClass);
        Assert.Equal(0, m.AP);
        Assert.Equal(0, m.Stats[8]);
    }

    [Fact]
    public void Evaluate_RecallOfExactly35Percent_MissesThe0p35PointLikeNumpyLinspace()
    {
        // 100 gts, 35 found exactly and nothing else: recall tops out at 35/100 = 0.35, but
        // pycocotools' recall point 35 is 35 * 0.01 = 0.35000000000000003 > 0.35, so only points
        // 0 … 0.34 (35 of 101) get precision ≈1: AP = 35 * ≈1 / 101 (not 36 / 101).
        var gts = new List<GroundTruthObject>();
        for (int i = 0; i < 100; i++) gts.Add(Gt(i * 20, 0, i * 20 + 10, 10));
        var dets = new List<Detection>();
        for (int i = 0; i < 35; i++) dets.Add(Det(0, i * 20, 0, i * 20 + 10, 10, 0.9 - i * 0.001));
        var m = CocoEvaluator.Evaluate([new GroundTruthImage("a", gts)], dets, OneClass);
        Assert.Equal(35.0 / 101, m.AP, 1e-9);
        Assert.Equal(0.35, m.Stats[8], Tolerance);
    }

    [Fact]
    public void Accumulate_ImageDrawnTwice_EqualsGroundTruthListedTwice()
    {
        GroundTruthImage a = Image(Gt(0, 0, 10, 10), Gt(50, 50, 90, 90)), b = Image(Gt(0, 0, 200, 200));
        Detection[] detsAb = [Det(0, 0, 0, 10, 10, 0.6), Miss(0, 0.7), Det(0, 52, 50, 90, 92, 0.4), Det(1, 10, 10, 200, 200, 0.8)];
        var evaluations = CocoImageEvaluations.Compute([a, b], detsAb, OneClass);
        var resampled = evaluations.Accumulate([1, 0, 1]);

        // The same multiset built by hand: b, a, b with b's detection copied.
        Detection[] detsBab = [Det(1, 0, 0, 10, 10, 0.6), Miss(1, 0.7), Det(1, 52, 50, 90, 92, 0.4), Det(0, 10, 10, 200, 200, 0.8), Det(2, 10, 10, 200, 200, 0.8)];
        var direct = CocoEvaluator.Evaluate([b, a, b], detsBab, OneClass);

        Assert.Equal(direct.Stats, resampled.Stats);
        Assert.Equal(direct.PerClassAP, resampled.PerClassAP);
    }

    [Fact]
    public void Accumulate_ImageIndexOutOfRange_Throws()
    {
        var evaluations = CocoImageEvaluations.Compute([Image(Gt(0, 0, 10, 10))], [], OneClass);
        Assert.Throws<AutoRetrainException>(() => evaluations.Accumulate([1]));
    }

    [Fact]
    public void Evaluate_DetectionWithUnknownCategory_Throws()
    {
        var ex = Assert.Throws<AutoRetrainException>(() =>
            CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 10, 10, 0.9, category: 3)], OneClass));
        Assert.Contains("category index 3", ex.Message);
    }

    [Fact]
    public void SummaryLines_MatchPycocotoolsWording()
    {
        var m = CocoEvaluator.Evaluate([Image(Gt(0, 0, 10, 10))], [Det(0, 0, 0, 10, 10, 0.9)], OneClass);
        var lines = m.SummaryLines();
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000", lines[0]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 1.000", lines[2]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines[4]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000", lines[7]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000", lines[11]);
    }
}
