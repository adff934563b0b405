using SkiaSharp;

namespace AutoRetrain.Core.Synthetic.Scene;

/// <summary>
/// Where things are on one tile: water, roads and pads, in painting order (later ones cover
/// earlier ones). Built from the sites the tile's objects need, plus some chosen at random so that
/// empty roads, empty water and empty lots appear too.
/// </summary>
internal sealed class SceneLayout
{
    private readonly List<Region> _regions = [];
    public IReadOnlyList<Region> Regions => _regions;

    /// <summary>The topmost region at a point; null for open ground (fields, grass).</summary>
    public Region? RegionAt(SKPoint point)
    {
        for (int i = _regions.Count - 1; i >= 0; i--)
            if (_regions[i].Contains(point)) return _regions[i];
        return null;
    }

    public static SceneLayout Build(SceneRandom random, int size, IReadOnlySet<Site> needed)
    {
        var layout = new SceneLayout();
        if (needed.Contains(Site.Water) || random.Chance(0.2)) layout._regions.Add(River(random, size));

        bool roads = needed.Contains(Site.Road) || needed.Contains(Site.Parking) || random.Chance(0.6);
        int roadCount = roads ? (random.Chance(0.35) ? 2 : 1) : 0;
        for (int i = 0; i < roadCount; i++) layout._regions.Add(Road(random, size));

        float? roadAngle = layout._regions.OfType<RoadRegion>().Select(r => (float?)r.Direction).FirstOrDefault();
        foreach (var (site, extraChance) in new[] { (Site.Urban, 0.25), (Site.Industrial, 0.1), (Site.Parking, 0.25), (Site.Apron, 0.05) })
            if (needed.Contains(site) || random.Chance(extraChance))
                layout._regions.Add(layout.Pad(random, size, site, roadAngle));
        return layout;
    }

    private static WaterRegion River(SceneRandom random, int size)
    {
        // Enter on one side, leave on the opposite one, meandering; a wide one reads as a harbour basin.
        float halfWidth = random.Range(30, 58);
        float angle = random.Angle();
        var through = new SKPoint(random.Range(size * 0.25f, size * 0.75f), random.Range(size * 0.25f, size * 0.75f));
        var direction = new SKPoint(MathF.Cos(angle), MathF.Sin(angle));
        var normal = new SKPoint(-direction.Y, direction.X);
        float amplitude = random.Range(4, 26), wavelength = random.Range(220, 480), phase = random.Angle();
        var points = new SKPoint[24];
        for (int i = 0; i < points.Length; i++)
        {
            float t = -size * 1.1f + 2.2f * size * i / (points.Length - 1);
            float bend = amplitude * MathF.Sin(phase + MathF.Tau * t / wavelength);
            points[i] = through + new SKPoint(direction.X * t + normal.X * bend, direction.Y * t + normal.Y * bend);
        }
        return new WaterRegion(points, halfWidth);
    }

    private static RoadRegion Road(SceneRandom random, int size)
    {
        float angle = random.Chance(0.5) ? random.Pick([0f, MathF.PI / 2]) + random.Range(-0.15f, 0.15f) : random.Angle();
        var through = new SKPoint(random.Range(size * 0.15f, size * 0.85f), random.Range(size * 0.15f, size * 0.85f));
        var reach = new SKPoint(MathF.Cos(angle) * size * 1.5f, MathF.Sin(angle) * size * 1.5f);
        return new RoadRegion(through - reach, through + reach, random.Range(7f, 9f));
    }

    private PadRegion Pad(SceneRandom random, int size, Site site, float? roadAngle)
    {
        (float minLength, float maxLength, float minWidth, float maxWidth) = site switch
        {
            Site.Parking => (36f, 84f, 28f, 56f),
            Site.Urban => (70f, 130f, 60f, 110f),
            Site.Apron => (100f, 160f, 80f, 130f),
            _ => (60f, 100f, 56f, 90f),
        };
        float halfLength = random.Range(minLength, maxLength) / 2, halfWidth = random.Range(minWidth, maxWidth) / 2;
        float angle = roadAngle is float a && random.Chance(0.6) ? a : random.Range(-0.5f, 0.5f);
        // Prefer dry, unclaimed ground for the pad's centre.
        SKPoint centre = default;
        for (int attempt = 0; attempt < 12; attempt++)
        {
            centre = new SKPoint(random.Range(halfLength * 0.6f, size - halfLength * 0.6f), random.Range(halfWidth * 0.6f, size - halfWidth * 0.6f));
            if (RegionAt(centre) is null) break;
        }
        return new PadRegion(site, centre, halfLength, halfWidth, angle);
    }
}
