using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Decoding;

/// <summary>One detected object: class index into the model's class list, score in [0, 1], box in image pixels.</summary>
public readonly record struct Detection(int ClassIndex, double Score, BoundingBox Box);
