using AutoRetrain.Synthetic.Painters;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>Several objects of one class wanted on the same site.</summary>
internal sealed record ObjectGroup(SyntheticClass Class, int Count);

/// <summary>An object given a place: where it stands, how big it is and how it looks.</summary>
internal sealed record PlacedObject(SyntheticClass Class, ObjectPainter Painter, ObjectStyle Style, Region Region, Placement Placement, float Length, float Width)
{
    /// <summary>The silhouette in tile coordinates.</summary>
    public SKPath WorldSilhouette()
    {
        var path = Painter.Silhouette(Length, Width, Style);
        path.Transform(SKMatrix.CreateRotation(Placement.Angle).PostConcat(SKMatrix.CreateTranslation(Placement.Centre.X, Placement.Centre.Y)));
        return path;
    }

    /// <summary>The footprint used for fitting and spacing; a helicopter's tail reaches beyond its rotor disc.</summary>
    public float FootprintLength => Class.Name == SyntheticClasses.Helicopter ? Length * 1.25f : Length;
}

/// <summary>
/// Finds a spot for each wanted object: on a region of its site, wholly inside the tile and that
/// region (not under a road crossing the lot), and not overlapping anything placed before.
/// Objects that find no spot after a few tries are left out.
/// </summary>
internal static class ObjectPlacer
{
    private const int Attempts = 30;
    private const float Spacing = 1f;

    public static List<PlacedObject> Place(IEnumerable<ObjectGroup> wanted, SceneLayout layout, SceneRandom random, int size)
    {
        var placed = new List<PlacedObject>();
        foreach (var group in wanted)
        {
            var cls = group.Class;
            var regions = layout.Regions.Where(r => cls.Sites.Contains(r.Site)).ToList();
            if (regions.Count == 0) continue;
            // A group shares one region: the lot, the yard or the block its first member landed on.
            Region? groupRegion = null;
            for (int member = 0; member < group.Count; member++)
                groupRegion = PlaceOne(cls, groupRegion is null ? regions : [groupRegion], placed, layout, random, size) ?? groupRegion;
        }
        return placed;
    }

    private static Region? PlaceOne(SyntheticClass cls, List<Region> regions, List<PlacedObject> placed, SceneLayout layout, SceneRandom random, int size)
    {
        var painter = ObjectPainter.All[cls.Name];
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var region = random.Pick(regions);
            float length = random.Range(cls.MinLength, cls.MaxLength);
            float width = length * random.Range(cls.WidthRatioMin, cls.WidthRatioMax);
            var placement = region.Propose(random, length, width, cls.Name);
            var candidate = new PlacedObject(cls, painter, painter.ChooseStyle(random), region, placement, length, width);
            if (Fits(candidate, layout, size) && !placed.Any(other => Overlap(candidate, other)))
            {
                placed.Add(candidate);
                return region;
            }
        }
        return null;
    }

    private static bool Fits(PlacedObject o, SceneLayout layout, int size)
    {
        foreach (var p in Geometry.FootprintSamples(o.Placement.Centre, o.Placement.Angle, o.FootprintLength, o.Width))
        {
            if (p.X < 1 || p.Y < 1 || p.X > size - 1 || p.Y > size - 1) return false;
            if (!ReferenceEquals(layout.RegionAt(p), o.Region)) return false;
        }
        return true;
    }

    /// <summary>Separating-axis test of the two oriented footprints, grown by the spacing.</summary>
    private static bool Overlap(PlacedObject a, PlacedObject b)
    {
        var cornersA = Corners(a);
        var cornersB = Corners(b);
        foreach (float angle in new[] { a.Placement.Angle, a.Placement.Angle + MathF.PI / 2, b.Placement.Angle, b.Placement.Angle + MathF.PI / 2 })
        {
            var axis = new SKPoint(MathF.Cos(angle), MathF.Sin(angle));
            var (minA, maxA) = Project(cornersA, axis);
            var (minB, maxB) = Project(cornersB, axis);
            if (maxA < minB || maxB < minA) return false;
        }
        return true;
    }

    private static SKPoint[] Corners(PlacedObject o)
    {
        float l = o.FootprintLength / 2 + Spacing, w = o.Width / 2 + Spacing;
        return [.. new SKPoint[] { new(-l, -w), new(l, -w), new(l, w), new(-l, w) }
            .Select(p => Geometry.Rotate(p, o.Placement.Angle) + o.Placement.Centre)];
    }

    private static (float Min, float Max) Project(SKPoint[] corners, SKPoint axis)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (var c in corners)
        {
            float d = c.X * axis.X + c.Y * axis.Y;
            min = Math.Min(min, d); max = Math.Max(max, d);
        }
        return (min, max);
    }
}
