namespace AutoRetrain.Core.Metrics;

/// <summary>
/// PASCAL VOC detection AP as the devkit's VOCevaldet computes it. For bootstrap resampling use
/// <see cref="VocImageEvaluations"/>: match once, then accumulate any multiset of image indices.
/// </summary>
public static class VocEvaluator
{
    public static VocMetrics Evaluate(
        IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, IReadOnlyList<string> categories,
        double iouThreshold = 0.5, bool useElevenPoint = false) =>
        VocImageEvaluations.Compute(images, detections, categories, iouThreshold).AccumulateAll(useElevenPoint);
}
