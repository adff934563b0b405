using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

internal static class Geometry
{
    public static SKPoint Rotate(SKPoint p, float angle)
    {
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        return new(p.X * c - p.Y * s, p.X * s + p.Y * c);
    }

    public static float DistanceToSegment(SKPoint p, SKPoint a, SKPoint b)
    {
        float dx = b.X - a.X, dy = b.Y - a.Y;
        float lengthSquared = dx * dx + dy * dy;
        float t = lengthSquared == 0 ? 0 : Math.Clamp(((p.X - a.X) * dx + (p.Y - a.Y) * dy) / lengthSquared, 0, 1);
        float x = a.X + t * dx - p.X, y = a.Y + t * dy - p.Y;
        return MathF.Sqrt(x * x + y * y);
    }

    /// <summary>Points on the outline and inside of an oriented rectangle, to test that a footprint fits its site.</summary>
    public static IEnumerable<SKPoint> FootprintSamples(SKPoint centre, float angle, float length, float width)
    {
        for (int i = -2; i <= 2; i++)
            for (int j = -1; j <= 1; j++)
                yield return centre + Rotate(new SKPoint(i * length / 4, j * width / 2), angle);
    }
}
