using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>A cylindrical tank from above: a round roof with a rim, a floating-roof ring or a domed top, and a long shadow.</summary>
internal sealed class StorageTankPainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.StorageTank;
    public override float RelativeHeight => 0.45f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Tanks), random, 10), default, random.Int(0, 2), false, 0);

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        using var path = new SKPathBuilder();
        path.AddCircle(0, 0, length / 2);
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sun)
    {
        float r = length / 2;
        // Domed roofs are lit on the sun side; floating roofs sit inside the shell and are shaded by it.
        var bright = Palette.Shade(style.Body, 1.12f);
        var dark = Palette.Shade(style.Body, style.Variant == 0 ? 0.78f : 0.9f);
        using (var roof = new SKPaint { IsAntialias = true })
        {
            roof.Shader = SKShader.CreateLinearGradient(new SKPoint(sun.X * r, sun.Y * r), new SKPoint(-sun.X * r, -sun.Y * r),
                style.Variant == 0 ? [dark, bright] : [bright, dark], SKShaderTileMode.Clamp);
            canvas.DrawCircle(0, 0, r, roof);
        }
        using (var rim = Stroke(Palette.Shade(style.Body, 0.65f), Math.Max(0.8f, r * 0.08f))) canvas.DrawCircle(0, 0, r - r * 0.04f, rim);
        if (style.Variant == 0)
        {
            using var seal = Stroke(Palette.Shade(style.Body, 0.7f), 0.5f);
            canvas.DrawCircle(0, 0, r * 0.82f, seal);
            using var hatch = Fill(Palette.Shade(style.Body, 0.6f));
            canvas.DrawCircle(r * 0.3f, 0, Math.Max(0.8f, r * 0.08f), hatch);
        }
        else
        {
            using var vent = Fill(Palette.Shade(style.Body, 0.75f));
            canvas.DrawCircle(0, 0, Math.Max(0.8f, r * 0.1f), vent);
        }
    }
}
