using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>One predicted box. <see cref="Image"/> indexes the ground-truth image list and
/// <see cref="Category"/> the category list given to the evaluator.</summary>
public readonly record struct Detection(int Image, int Category, BoundingBox Box, double Score)
{
    /// <summary>
    /// Box area for COCO's IoU and area ranges; defaults to the box's width × height. The COCO
    /// reader sets it to w × h from the file, as pycocotools does, because (x + w) - x is not
    /// always w in floating point. Set it again if a <c>with</c> expression changes <see cref="Box"/>.
    /// </summary>
    public double BoxArea { get; init; } = Box.Width * Box.Height;
}
