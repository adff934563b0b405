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

    /// <summary>Validates the input and groups ground truth and detections by (image, category).</summary>
    public static BucketedInput Prepare(IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, int categoryCount)
    {
        Validate(images, detections, categoryCount);
        int k = categoryCount;
        var gt = FlatGroundTruth.Of(images);
        var (gtStart, gtOrder) = Bucket(images.Count * k, gt.Count, i => gt.Image[i] * k + gt.Objects[i].Category);
        var (dtStart, dtOrder) = Bucket(images.Count * k, detections.Count, i => detections[i].Image * k + detections[i].Category);
        return new BucketedInput(gt.Objects, gtStart, gtOrder, dtStart, dtOrder);
    }

    /// <summary>Checks a multiset of image indices given to an accumulate call.</summary>
    public static void CheckImageIndices(IReadOnlyList<int> imageIndices, int imageCount)
    {
        foreach (int i in imageIndices)
            if ((uint)i >= (uint)imageCount)
                throw new AutoRetrainException($"image index {i} is outside the {imageCount} evaluated images.");
    }

    public static int[] AllImages(int imageCount)
    {
        var all = new int[imageCount];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        return all;
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

/// <summary>
/// Ground truth and detections grouped by bucket <c>image * categoryCount + category</c>:
/// bucket b holds ground-truth objects <c>GtOrder[GtStart[b] .. GtStart[b + 1])</c> (indices into
/// <see cref="GtObjects"/>) and detections <c>DtOrder[DtStart[b] .. DtStart[b + 1])</c>, input order kept.
/// </summary>
internal sealed record BucketedInput(GroundTruthObject[] GtObjects, int[] GtStart, int[] GtOrder, int[] DtStart, int[] DtOrder)
{
    public int BucketCount => GtStart.Length - 1;

    public ArraySegment<int> GroundTruth(int bucket) => new(GtOrder, GtStart[bucket], GtStart[bucket + 1] - GtStart[bucket]);

    public ArraySegment<int> Detections(int bucket) => new(DtOrder, DtStart[bucket], DtStart[bucket + 1] - DtStart[bucket]);
}
