namespace AutoRetrain.Core.Metrics;

/// <summary>Checks shared by the COCO and VOC evaluators, and the grouping of boxes by (image, category).</summary>
internal static class EvaluationInput
{
    public static void Validate(IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, int categoryCount)
    {
        for (int i = 0; i < images.Count; i++)
        {
            var objects = images[i].Objects;
            for (int j = 0; j < objects.Count; j++)
            {
                var o = objects[j];
                if ((uint)o.Category >= (uint)categoryCount)
                    throw new AutoRetrainException(
                        $"ground truth of image {i} ({images[i].Name}), object {j}: category index {o.Category} is outside 0..{categoryCount - 1}.");
                if (!o.Box.IsFinite || !double.IsFinite(o.Area))
                    throw new AutoRetrainException(
                        $"ground truth of image {i} ({images[i].Name}), object {j}: box {o.Box} or area {o.Area} is not finite.");
            }
        }
        for (int d = 0; d < detections.Count; d++)
        {
            var det = detections[d];
            if ((uint)det.Image >= (uint)images.Count)
                throw new AutoRetrainException($"detection {d}: image index {det.Image} is outside 0..{images.Count - 1}.");
            if ((uint)det.Category >= (uint)categoryCount)
                throw new AutoRetrainException($"detection {d}: category index {det.Category} is outside 0..{categoryCount - 1}.");
            if (!det.Box.IsFinite || !double.IsFinite(det.Score))
                throw new AutoRetrainException($"detection {d}: box {det.Box} or score {det.Score} is not finite.");
        }
    }

    /// <summary>
    /// Counting sort of item indices into buckets keyed by <c>image * categoryCount + category</c>,
    /// keeping input order inside each bucket (the evaluators' tie rules depend on it).
    /// Bucket b holds <c>order[start[b] .. start[b + 1])</c>.
    /// </summary>
    public static (int[] Start, int[] Order) Bucket(int bucketCount, int itemCount, Func<int, int> keyOf)
    {
        var start = new int[bucketCount + 1];
        var keys = new int[itemCount];
        for (int i = 0; i < itemCount; i++)
        {
            keys[i] = keyOf(i);
            start[keys[i] + 1]++;
        }
        for (int b = 0; b < bucketCount; b++) start[b + 1] += start[b];
        var next = (int[])start.Clone();
        var order = new int[itemCount];
        for (int i = 0; i < itemCount; i++) order[next[keys[i]]++] = i;
        return (start, order);
    }
}
