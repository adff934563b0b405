using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// A rotated rectangle of paved or built ground: a parking lot, an urban block, an airfield
/// apron or an industrial yard. Objects inside follow the pad's grid where real ones do.
/// </summary>
internal sealed class PadRegion(Site site, SKPoint centre, float halfLength, float halfWidth, float angle) : Region(site)
{
    public SKPoint Centre { get; } = centre;
    public float HalfLength { get; } = halfLength;
    public float HalfWidth { get; } = halfWidth;
    public float Angle { get; } = angle;

    /// <summary>Parking stalls: rows across the pad's width, each stall this wide along its length.</summary>
    public const float StallWidth = 7f;
    public const float StallDepth = 14f;

    public override bool Contains(SKPoint point)
    {
        var local = ToLocal(point);
        return MathF.Abs(local.X) <= HalfLength && MathF.Abs(local.Y) <= HalfWidth;
    }

    public override Placement Propose(SceneRandom random, float length, float width, string className)
    {
        switch (Site)
        {
            case Site.Parking:
            {
                // Stalls in double rows; a vehicle stands across the row axis, nose in or out.
                int stalls = Math.Max(1, (int)(2 * HalfLength / StallWidth));
                int rows = Math.Max(1, (int)(2 * HalfWidth / StallDepth));
                float x = -HalfLength + (random.Int(0, stalls) + 0.5f) * StallWidth;
                float y = -HalfWidth + (random.Int(0, rows) + 0.5f) * StallDepth;
                float facing = Angle + MathF.PI / 2 + (random.Chance(0.5) ? 0 : MathF.PI) + random.Range(-0.06f, 0.06f);
                return new(ToWorld(new SKPoint(x, y)), facing);
            }
            case Site.Urban:
            {
                var local = new SKPoint(random.Range(-HalfLength, HalfLength), random.Range(-HalfWidth, HalfWidth));
                return new(ToWorld(local), Angle + (random.Chance(0.5) ? 0 : MathF.PI / 2));
            }
            default:
            {
                var local = new SKPoint(random.Range(-HalfLength, HalfLength), random.Range(-HalfWidth, HalfWidth));
                return new(ToWorld(local), random.Angle());
            }
        }
    }

    public override SKPath Outline()
    {
        using var path = new SKPathBuilder();
        path.AddPoly([ToWorld(new(-HalfLength, -HalfWidth)), ToWorld(new(HalfLength, -HalfWidth)),
                      ToWorld(new(HalfLength, HalfWidth)), ToWorld(new(-HalfLength, HalfWidth))]);
        return path.Detach();
    }

    public SKPoint ToWorld(SKPoint local) => Geometry.Rotate(local, Angle) + Centre;

    private SKPoint ToLocal(SKPoint world) => Geometry.Rotate(world - Centre, -Angle);
}
