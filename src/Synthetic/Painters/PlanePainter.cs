using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>
/// An airliner or transport seen from above: a slim fuselage, swept wings with engines, a swept
/// tailplane and a coloured fin. <c>width</c> is the wingspan.
/// </summary>
internal sealed class PlanePainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.Plane;
    public override float RelativeHeight => 0.12f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Aircraft), random, 8), Palette.Jitter(random.Pick(Palette.Containers), random, 12),
            random.Chance(0.7) ? 0 : 1, false, 0);

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        using var path = new SKPathBuilder { FillType = SKPathFillType.Winding };
        path.AddPath(Fuselage(length));
        path.AddPath(Wings(length, width, style.Variant));
        path.AddPath(Tailplane(length, width));
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sun)
    {
        var wingColour = Palette.Shade(style.Body, 0.93f);
        using (var wings = Wings(length, width, style.Variant)) using (var paint = Fill(wingColour)) canvas.DrawPath(wings, paint);
        using (var tail = Tailplane(length, width)) using (var paint = Fill(wingColour)) canvas.DrawPath(tail, paint);
        using (var engines = Fill(new SKColor(70, 72, 78)))
        {
            float s = width / 2;
            int perWing = style.Variant == 1 ? 2 : 1;
            for (int i = 1; i <= perWing; i++)
            {
                float y = s * (perWing == 1 ? 0.36f : 0.26f * i);
                float x = length * 0.1f - y * 0.35f;
                canvas.DrawOval(new SKRect(x - length * 0.07f, y - length * 0.025f, x + length * 0.05f, y + length * 0.025f), engines);
                canvas.DrawOval(new SKRect(x - length * 0.07f, -y - length * 0.025f, x + length * 0.05f, -y + length * 0.025f), engines);
            }
        }
        using (var body = Fuselage(length)) using (var paint = Fill(style.Body)) canvas.DrawPath(body, paint);
        using (var spine = Stroke(Palette.Shade(style.Body, 1.1f), length * 0.02f)) canvas.DrawLine(-length * 0.4f, 0, length * 0.4f, 0, spine);
        using (var fin = Stroke(style.Accent, length * 0.035f)) canvas.DrawLine(-length * 0.49f, 0, -length * 0.33f, 0, fin);
        using var cockpit = Fill(new SKColor(40, 46, 58));
        canvas.DrawOval(new SKRect(length * 0.41f, -length * 0.025f, length * 0.46f, length * 0.025f), cockpit);
    }

    private static SKPath Fuselage(float length)
    {
        using var path = new SKPathBuilder();
        path.AddRoundRect(new SKRect(-length / 2, -length * 0.05f, length / 2, length * 0.05f), length * 0.06f, length * 0.05f);
        return path.Detach();
    }

    /// <summary>Swept wings: root chord at mid-fuselage, narrow tips swept back. Variant 1 (four engines) is a little straighter.</summary>
    private static SKPath Wings(float length, float span, int variant)
    {
        float s = span / 2, sweep = variant == 1 ? 0.16f : 0.22f;
        using var path = new SKPathBuilder();
        path.AddPoly([
            new(length * 0.12f, 0), new(length * 0.12f - length * sweep, -s), new(length * 0.02f - length * sweep - length * 0.06f, -s),
            new(-length * 0.14f, -length * 0.05f), new(-length * 0.14f, length * 0.05f),
            new(length * 0.02f - length * sweep - length * 0.06f, s), new(length * 0.12f - length * sweep, s),
        ]);
        return path.Detach();
    }

    private static SKPath Tailplane(float length, float span)
    {
        float s = span * 0.17f;
        using var path = new SKPathBuilder();
        path.AddPoly([
            new(-length * 0.36f, 0), new(-length * 0.45f, -s), new(-length * 0.5f, -s),
            new(-length * 0.47f, 0), new(-length * 0.5f, s), new(-length * 0.45f, s),
        ]);
        return path.Detach();
    }
}
