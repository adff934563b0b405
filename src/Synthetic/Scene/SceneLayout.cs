using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

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

    /// <summary>
    /// Objects keep their size in pixels whatever the tile size (the ground resolution is fixed), but rivers
    /// and pads sized for 256-pixel tiles would fill a 128-pixel tile: below 256 they shrink with the tile,
    /// down to 0.6 of their size, which still holds the largest plane and ship.
    /// </summary>
    private static float AreaScale(int size) => Math.Clamp(size / 256f, 0.6f, 1f);

    private static WaterRegion River(SceneRandom random, int size)
    {
        // Enter on one side, leave on the opposite one, meandering; a wide one reads as a harbour basin.
        float halfWidth = random.Range(30, 58) * AreaScale(size);
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
        float scale = AreaScale(size);
        float halfLength = random.Range(minLength, maxLength) * scale / 2, halfWidth = random.Range(minWidth, maxWidth) * scale / 2;
        float angle = roadAngle is float a && random.Chance(0.6) ? a : random.Range(-0.5f, 0.5f);
        // A pad must stay off the water; for the first tries it also keeps clear of other pads, and it
        // shrinks a little after each failed try so that a wide river still leaves it room.
        PadRegion pad = null!;
        for (int attempt = 0; attempt < 24; attempt++)
        {
            if (attempt >= 8) { halfLength *= 0.96f; halfWidth *= 0.96f; }
            var centre = new SKPoint(random.Range(halfLength * 0.6f, size - halfLength * 0.6f), random.Range(halfWidth * 0.6f, size - halfWidth * 0.6f));
            pad = new PadRegion(site, centre, halfLength, halfWidth, angle);
            var probes = new List<SKPoint>();
            for (int i = -2; i <= 2; i++)
                for (int j = -2; j <= 2; j++)
                    probes.Add(pad.ToWorld(new(i * halfLength / 2, j * halfWidth / 2)));
            bool dry = probes.All(p => RegionAt(p) is not WaterRegion);
            bool clear = attempt >= 10 || probes.All(p => RegionAt(p) is not PadRegion);
            if (dry && clear) break;
        }
        return pad;
    }
}
