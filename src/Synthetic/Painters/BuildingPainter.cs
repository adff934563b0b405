using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>
/// A building's roof: gabled (two slopes lit differently, a ridge), hipped (four slopes), or flat
/// (parapet and rooftop units). Slopes facing the sun are brighter.
/// </summary>
internal sealed class BuildingPainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.Building;
    public override float RelativeHeight => 0.28f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Roofs), random, 14), default, random.Int(0, 3), false, 0);

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        using var path = new SKPathBuilder();
        path.AddRect(new SKRect(-length / 2, -width / 2, length / 2, width / 2));
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sun)
    {
        float l = length / 2, w = width / 2;
        switch (style.Variant)
        {
            case 0:   // gable: the ridge runs along the length
                DrawFace(canvas, style.Body, new(0, -1), sun, [new(-l, -w), new(l, -w), new(l, 0), new(-l, 0)]);
                DrawFace(canvas, style.Body, new(0, 1), sun, [new(-l, 0), new(l, 0), new(l, w), new(-l, w)]);
                using (var ridge = Stroke(Palette.Shade(style.Body, 1.25f), 0.7f)) canvas.DrawLine(-l, 0, l, 0, ridge);
                break;
            case 1:   // hip: four slopes meeting on a short ridge
                float r = Math.Max(0, l - w);
                DrawFace(canvas, style.Body, new(0, -1), sun, [new(-l, -w), new(l, -w), new(r, 0), new(-r, 0)]);
                DrawFace(canvas, style.Body, new(0, 1), sun, [new(-l, w), new(l, w), new(r, 0), new(-r, 0)]);
                DrawFace(canvas, style.Body, new(1, 0), sun, [new(l, -w), new(l, w), new(r, 0)]);
                DrawFace(canvas, style.Body, new(-1, 0), sun, [new(-l, -w), new(-l, w), new(-r, 0)]);
                using (var ridge = Stroke(Palette.Shade(style.Body, 1.2f), 0.6f)) canvas.DrawLine(-r, 0, r, 0, ridge);
                break;
            default:  // flat roof with a parapet and rooftop units casting small shadows
                using (var roof = Fill(style.Body)) canvas.DrawRect(new SKRect(-l, -w, l, w), roof);
                using (var parapet = Stroke(Palette.Shade(style.Body, 0.72f), 1.2f)) canvas.DrawRect(new SKRect(-l + 0.6f, -w + 0.6f, l - 0.6f, w - 0.6f), parapet);
                using (var unit = Fill(Palette.Shade(style.Body, 1.25f)))
                using (var unitShadow = Fill(new SKColor(0, 0, 0, 70)))
                {
                    var a = new SKRect(-l * 0.5f, -w * 0.35f, -l * 0.2f, -w * 0.05f);
                    var b = new SKRect(l * 0.15f, w * 0.1f, l * 0.45f, w * 0.4f);
                    foreach (var box in new[] { a, b })
                    {
                        canvas.DrawRect(new SKRect(box.Left - sun.X, box.Top - sun.Y, box.Right - sun.X, box.Bottom - sun.Y), unitShadow);
                        canvas.DrawRect(box, unit);
                    }
                }
                break;
        }
        using var eaves = Stroke(Palette.Shade(style.Body, 0.55f), 0.5f);
        canvas.DrawRect(new SKRect(-l, -w, l, w), eaves);
    }

    private static void DrawFace(SKCanvas canvas, SKColor colour, SKPoint normal, SKPoint sun, SKPoint[] corners)
    {
        using var path = new SKPathBuilder();
        path.AddPoly(corners);
        using var paint = Fill(Palette.Shade(colour, Lit(normal, sun)));
        canvas.DrawPath(path, paint);
    }
}
