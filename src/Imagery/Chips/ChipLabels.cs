using AutoRetrain.Core;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Chips;

/// <summary>
/// Moves a scene's labels into a chip: each box is clipped to the chip window and kept when enough of
/// it stays visible, so a vehicle cut in half at a chip edge is not taught as a whole vehicle.
/// </summary>
public static class ChipLabels
{
    /// <param name="minVisibleFraction">Keep an object when (area inside the chip) / (its whole area) ≥ this, in [0, 1].
    /// With 0 every object touching the chip with a positive area is kept.</param>
    public static IReadOnlyList<LabelObject> Clip(LabelFile labels, Chip chip, double minVisibleFraction) =>
        Clip(labels.Objects, chip, minVisibleFraction);

    public static IReadOnlyList<LabelObject> Clip(IEnumerable<LabelObject> sceneObjects, Chip chip, double minVisibleFraction)
    {
        if (!(minVisibleFraction >= 0 && minVisibleFraction <= 1))
            throw new AutoRetrainException($"the minimum visible fraction must be in [0, 1], got {minVisibleFraction}.");

        var window = chip.Window;
        var kept = new List<LabelObject>();
        foreach (var o in sceneObjects)
        {
            var box = o.Bounds;
            if (box.Area <= 0) continue;
            var visible = box.Intersect(window);
            if (visible.Area <= 0 || visible.Area / box.Area < minVisibleFraction) continue;

            kept.Add(o with
            {
                Box = chip.ToChip(visible).ToArray(),
                Polygon = o.Polygon is null ? null : ClipPolygon(o.Polygon, window, chip),
            });
        }
        return kept;
    }

    /// <summary>Clips a polygon to the chip window (Sutherland–Hodgman; the window is convex) and moves it
    /// to chip coordinates. Null when nothing of it is left.</summary>
    private static double[][]? ClipPolygon(double[][] polygon, BoundingBox window, Chip chip)
    {
        var points = polygon.Select(p => new PointD(p[0], p[1])).ToList();
        points = ClipAgainst(points, p => p.X >= window.XMin, (a, b) => AtX(a, b, window.XMin));
        points = ClipAgainst(points, p => p.X <= window.XMax, (a, b) => AtX(a, b, window.XMax));
        points = ClipAgainst(points, p => p.Y >= window.YMin, (a, b) => AtY(a, b, window.YMin));
        points = ClipAgainst(points, p => p.Y <= window.YMax, (a, b) => AtY(a, b, window.YMax));
        return points.Count < 3 ? null : points.Select(p => new[] { p.X - chip.X, p.Y - chip.Y }).ToArray();
    }

    private static List<PointD> ClipAgainst(List<PointD> points, Func<PointD, bool> inside, Func<PointD, PointD, PointD> crossing)
    {
        var result = new List<PointD>(points.Count + 2);
        for (int i = 0; i < points.Count; i++)
        {
            var current = points[i];
            var previous = points[(i + points.Count - 1) % points.Count];
            if (inside(current))
            {
                if (!inside(previous)) result.Add(crossing(previous, current));
                result.Add(current);
            }
            else if (inside(previous))
                result.Add(crossing(previous, current));
        }
        return result;
    }

    private static PointD AtX(PointD a, PointD b, double x) => new(x, a.Y + (b.Y - a.Y) * (x - a.X) / (b.X - a.X));

    private static PointD AtY(PointD a, PointD b, double y) => new(a.X + (b.X - a.X) * (y - a.Y) / (b.Y - a.Y), y);
}
