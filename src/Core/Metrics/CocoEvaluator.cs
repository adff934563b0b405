namespace AutoRetrain.Core.Metrics;

/// <summary>
/// COCO box evaluation as pycocotools computes it (COCOeval with iouType 'bbox' and default
/// parameters). For bootstrap resampling use <see cref="CocoImageEvaluations"/> directly:
/// match once, then accumulate any multiset of image indices.
/// </summary>
public static class CocoEvaluator
{
    /// <param name="images">Ground truth per image, in the order pycocotools would sort their ids.</param>
    /// <param name="detections">Detections referring to images and categories by index.</param>
    /// <param name="categories">Category names; a category index is a position in this list.</param>
    public static CocoMetrics Evaluate(
        IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, IReadOnlyList<string> categories) =>
        CocoImageEvaluations.Compute(images, detections, categories).AccumulateAll();
}
