using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>
/// One ground-truth object for evaluation. <see cref="Category"/> is an index into the category
/// list given to the evaluator (not a COCO category id), so label sidecars (class names) and COCO
/// JSON (category ids) both map onto it with one dictionary lookup.
/// </summary>
/// <param name="Area">COCO's <c>area</c> field: it decides the small/medium/large range. For boxes
/// read from sidecars it is the box area (<see cref="Of"/>).</param>
/// <param name="IsCrowd">COCO <c>iscrowd</c>: an ignored region that may absorb many detections.</param>
/// <param name="IsDifficult">VOC <c>difficult</c>: ignored by VOC (neither a hit nor a miss); COCO does not use it.</param>
public readonly record struct GroundTruthObject(int Category, BoundingBox Box, double Area, bool IsCrowd = false, bool IsDifficult = false)
{
    /// <summary>
    /// Box area in COCO's IoU union (pycocotools uses the box's w × h there, not <see cref="Area"/>);
    /// defaults to the box's width × height. The COCO reader sets it to w × h from the file.
    /// Set it again if a <c>with</c> expression changes <see cref="Box"/>.
    /// </summary>
    public double BoxArea { get; init; } = Box.Width * Box.Height;

    public static GroundTruthObject Of(int category, BoundingBox box, bool isCrowd = false, bool isDifficult = false) =>
        new(category, box, box.Width * box.Height, isCrowd, isDifficult);
}

/// <summary>The ground truth of one image (tile). An image with no objects still counts: detections on it are false positives.</summary>
public sealed record GroundTruthImage(string Name, IReadOnlyList<GroundTruthObject> Objects)
{
    /// <summary>Builds the evaluation ground truth of a label sidecar.</summary>
    /// <param name="categoryIndex">Class name → category index. A class missing from it is an error,
    /// because silently dropping objects would inflate every score.</param>
    public static GroundTruthImage FromLabelFile(LabelFile labels, IReadOnlyDictionary<string, int> categoryIndex)
    {
        var objects = new GroundTruthObject[labels.Objects.Count];
        for (int i = 0; i < objects.Length; i++)
        {
            var o = labels.Objects[i];
            if (!categoryIndex.TryGetValue(o.Class, out int category))
                throw new AutoRetrainException(
                    $"{labels.Image}: object {i} has class \"{o.Class}\", which is not among the evaluated categories.");
            objects[i] = GroundTruthObject.Of(category, o.Bounds, isDifficult: o.Difficult == true);
        }
        return new GroundTruthImage(labels.Image, objects);
    }
}
