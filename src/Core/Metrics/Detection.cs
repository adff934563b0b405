using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>One predicted box. <see cref="Image"/> indexes the ground-truth image list and
/// <see cref="Category"/> the category list given to the evaluator.</summary>
public readonly record struct Detection(int Image, int Category, BoundingBox Box, double Score);
