using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>A river winding across the tile, or the sea along one side of it; ships sail along it.</summary>
internal sealed class WaterRegion : Region
{
    private readonly SKPoint[] _centreLine;
    private readonly float _halfWidth;

    public WaterRegion(SKPoint[] centreLine, float halfWidth) : base(Site.Water)
    {
        _centreLine = centreLine;
        _halfWidth = halfWidth;
    }

    public override bool Contains(SKPoint point)
    {
        for (int i = 1; i < _centreLine.Length; i++)
            if (Geometry.DistanceToSegment(point, _centreLine[i - 1], _centreLine[i]) <= _halfWidth) return true;
        return false;
    }

    public override Placement Propose(SceneRandom random, float length, float width, string className)
    {
        int segment = random.Int(1, _centreLine.Length);
        var a = _centreLine[segment - 1];
        var b = _centreLine[segment];
        float t = random.Range(0, 1);
        float direction = MathF.Atan2(b.Y - a.Y, b.X - a.X);
        float normal = direction + MathF.PI / 2;
        float offset = random.Range(-_halfWidth, _halfWidth) * 0.7f;
        var centre = new SKPoint(a.X + (b.X - a.X) * t + MathF.Cos(normal) * offset, a.Y + (b.Y - a.Y) * t + MathF.Sin(normal) * offset);
        // Most ships follow the channel; some lie at anchor, turned any way.
        float angle = random.Chance(0.75) ? direction + (random.Chance(0.5) ? 0 : MathF.PI) + random.Range(-0.25f, 0.25f) : random.Angle();
        return new(centre, angle);
    }

    /// <summary>The centre line; stroking it with twice the half width paints the water (round joins keep banks smooth).</summary>
    public SKPath CentreLine()
    {
        using var path = new SKPathBuilder();
        path.AddPoly(_centreLine, close: false);
        return path.Detach();
    }

    public float HalfWidth => _halfWidth;

    public override SKPath Outline()
    {
        using var centre = CentreLine();
        using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2 * _halfWidth, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };
        return stroke.GetFillPath(centre) ?? new SKPath();
    }
}
