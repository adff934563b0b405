using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;

namespace AutoRetrain.Core.Tests.Metrics;

/// <summary>Short builders for hand-computed evaluation cases.</summary>
internal static class MetricsTestData
{
    public const double Tolerance = 1e-12;

    public static GroundTruthImage Image(params GroundTruthObject[] objects) => new($"img{objects.Length}", objects);

    public static GroundTruthObject Gt(double x0, double y0, double x1, double y1, int category = 0, bool crowd = false, bool difficult = false) =>
        GroundTruthObject.Of(category, new BoundingBox(x0, y0, x1, y1), crowd, difficult);

    public static Detection Det(int image, double x0, double y0, double x1, double y1, double score, int category = 0) =>
        new(image, category, new BoundingBox(x0, y0, x1, y1), score);

    /// <summary>A detection far from every test box: a sure false positive.</summary>
    public static Detection Miss(int image, double score, int category = 0) => Det(image, 5000, 5000, 5010, 5010, score, category);

    public static readonly string[] OneClass = ["plane"];
    public static readonly string[] TwoClasses = ["plane", "ship"];
}
