using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;

namespace AutoRetrain.Metrics.Bench;

/// <summary>
/// Seeded synthetic ground truth and detections shaped like a detector's output on 512 px tiles:
/// most detections jitter around a true object (with some class confusion), the rest are clutter.
/// </summary>
internal static class SyntheticDetections
{
    public const int TileSize = 512;

    public static (GroundTruthImage[] Images, Detection[] Detections, string[] Categories) Generate(
        int imageCount, int objectsPerImage, int detectionsPerImage, int categoryCount, int seed)
    {
        var random = new Random(seed);
        var categories = new string[categoryCount];
        for (int k = 0; k < categoryCount; k++) categories[k] = $"class{k}";
        var images = new GroundTruthImage[imageCount];
        var detections = new Detection[imageCount * detectionsPerImage];
        int n = 0;
        for (int i = 0; i < imageCount; i++)
        {
            var objects = new GroundTruthObject[objectsPerImage];
            for (int j = 0; j < objects.Length; j++)
                objects[j] = GroundTruthObject.Of(random.Next(categoryCount), RandomBox(random), isCrowd: random.NextDouble() < 0.01);
            images[i] = new GroundTruthImage($"tile{i:D5}", objects);
            for (int d = 0; d < detectionsPerImage; d++)
            {
                double u = random.NextDouble();
                if (u < 0.6)
                {
                    var o = objects[random.Next(objects.Length)];
                    int category = random.NextDouble() < 0.9 ? o.Category : random.Next(categoryCount);
                    detections[n++] = new Detection(i, category, Jitter(random, o.Box), 0.3 + 0.7 * random.NextDouble());
                }
                else
                {
                    detections[n++] = new Detection(i, random.Next(categoryCount), RandomBox(random), 0.6 * random.NextDouble());
                }
            }
        }
        return (images, detections, categories);
    }

    private static BoundingBox RandomBox(Random random)
    {
        double w = 8 + random.NextDouble() * 150, h = 8 + random.NextDouble() * 150;
        double x = random.NextDouble() * (TileSize - w), y = random.NextDouble() * (TileSize - h);
        return new BoundingBox(x, y, x + w, y + h);
    }

    private static BoundingBox Jitter(Random random, BoundingBox b)
    {
        double s = 0.15 * Math.Max(b.Width, b.Height);
        double x0 = b.XMin + (random.NextDouble() - 0.5) * s, y0 = b.YMin + (random.NextDouble() - 0.5) * s;
        double x1 = Math.Max(x0 + 1, b.XMax + (random.NextDouble() - 0.5) * s), y1 = Math.Max(y0 + 1, b.YMax + (random.NextDouble() - 0.5) * s);
        return new BoundingBox(x0, y0, x1, y1);
    }
}
