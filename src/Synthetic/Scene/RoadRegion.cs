using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>A straight two-lane road crossing the tile; vehicles drive in their lane, along the road.</summary>
internal sealed class RoadRegion(SKPoint start, SKPoint end, float halfWidth) : Region(Site.Road)
{
    public SKPoint Start { get; } = start;
    public SKPoint End { get; } = end;
    public float HalfWidth { get; } = halfWidth;
    public float Direction => MathF.Atan2(End.Y - Start.Y, End.X - Start.X);

    public override bool Contains(SKPoint point) => Geometry.DistanceToSegment(point, Start, End) <= HalfWidth;

    public override Placement Propose(SceneRandom random, float length, float width, string className)
    {
        float t = random.Range(0.05f, 0.95f);
        var along = new SKPoint(Start.X + (End.X - Start.X) * t, Start.Y + (End.Y - Start.Y) * t);
        bool forwardLane = random.Chance(0.5);
        float laneOffset = HalfWidth * 0.5f * (forwardLane ? 1 : -1);
        float normal = Direction + MathF.PI / 2;
        var centre = new SKPoint(along.X + MathF.Cos(normal) * laneOffset, along.Y + MathF.Sin(normal) * laneOffset);
        // Traffic drives on the right: the lane decides which way a vehicle faces.
        return new(centre, Direction + (forwardLane ? 0 : MathF.PI) + random.Range(-0.04f, 0.04f));
    }

    public override SKPath Outline()
    {
        using var path = new SKPathBuilder();
        float normal = Direction + MathF.PI / 2;
        var offset = new SKPoint(MathF.Cos(normal) * HalfWidth, MathF.Sin(normal) * HalfWidth);
        path.MoveTo(Start + offset);
        path.LineTo(End + offset);
        path.LineTo(End - offset);
        path.LineTo(Start - offset);
        path.Close();
        return path.Detach();
    }
}
