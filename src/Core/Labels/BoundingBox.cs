namespace AutoRetrain.Core.Labels;

/// <summary>
/// An axis-aligned box in pixel coordinates, origin at the top-left corner of the image,
/// x to the right and y down. Continuous coordinates: a box covering the whole of a
/// W×H image is [0, 0, W, H].
/// </summary>
public readonly record struct BoundingBox(double XMin, double YMin, double XMax, double YMax)
{
    public double Width => XMax - XMin;
    public double Height => YMax - YMin;
    public double Area => Math.Max(0, Width) * Math.Max(0, Height);
    public double CenterX => (XMin + XMax) / 2;
    public double CenterY => (YMin + YMax) / 2;

    public bool IsFinite =>
        double.IsFinite(XMin) && double.IsFinite(YMin) && double.IsFinite(XMax) && double.IsFinite(YMax);

    public static BoundingBox FromArray(IReadOnlyList<double> v) =>
        v.Count == 4 ? new(v[0], v[1], v[2], v[3])
                     : throw new AutoRetrainException($"a box needs 4 numbers [xmin, ymin, xmax, ymax], got {v.Count}.");

    public double[] ToArray() => [XMin, YMin, XMax, YMax];

    public static BoundingBox FromXywh(double x, double y, double w, double h) => new(x, y, x + w, y + h);

    public BoundingBox Intersect(BoundingBox other) => new(
        Math.Max(XMin, other.XMin), Math.Max(YMin, other.YMin),
        Math.Min(XMax, other.XMax), Math.Min(YMax, other.YMax));

    public BoundingBox Translate(double dx, double dy) => new(XMin + dx, YMin + dy, XMax + dx, YMax + dy);

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public double IoU(BoundingBox other)
    {
        double inter = Intersect(other).Area;
        if (inter <= 0) return 0;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>The smallest box enclosing a set of points (an oriented polygon, for example).</summary>
    public static BoundingBox Enclosing(IReadOnlyList<PointD> points)
    {
        if (points.Count == 0) throw new AutoRetrainException("cannot enclose an empty polygon.");
        double x0 = double.PositiveInfinity, y0 = double.PositiveInfinity;
        double x1 = double.NegativeInfinity, y1 = double.NegativeInfinity;
        foreach (var p in points)
        {
            x0 = Math.Min(x0, p.X); y0 = Math.Min(y0, p.Y);
            x1 = Math.Max(x1, p.X); y1 = Math.Max(y1, p.Y);
        }
        return new(x0, y0, x1, y1);
    }

    public override string ToString() => $"[{XMin:G6}, {YMin:G6}, {XMax:G6}, {YMax:G6}]";
}

public readonly record struct PointD(double X, double Y);
