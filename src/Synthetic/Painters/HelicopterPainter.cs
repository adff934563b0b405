using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>A helicopter: teardrop cabin, tail boom with tail rotor, skids, and the main rotor's blades over a faint disc.</summary>
internal sealed class HelicopterPainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.Helicopter;
    public override float RelativeHeight => 0.15f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Helicopters), random, 10), default, random.Int(2, 5), false, random.Angle());

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        float d = length;
        using var path = new SKPathBuilder();
        path.AddCircle(0, 0, d / 2);
        path.AddRect(new SKRect(-d * 0.62f, -d * 0.08f, -d * 0.3f, d * 0.08f));   // tail boom and tail rotor beyond the disc
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sun)
    {
        float d = length;
        using (var skid = Stroke(new SKColor(40, 40, 44), 0.6f))
        {
            canvas.DrawLine(-d * 0.15f, -d * 0.14f, d * 0.2f, -d * 0.14f, skid);
            canvas.DrawLine(-d * 0.15f, d * 0.14f, d * 0.2f, d * 0.14f, skid);
        }
        using (var body = Fill(style.Body))
        {
            canvas.DrawOval(new SKRect(-d * 0.2f, -d * 0.1f, d * 0.3f, d * 0.1f), body);
            canvas.DrawRect(new SKRect(-d * 0.6f, -d * 0.025f, -d * 0.12f, d * 0.025f), body);
            canvas.DrawRect(new SKRect(-d * 0.62f, -d * 0.02f, -d * 0.52f, d * 0.1f), body);   // fin
        }
        using (var glass = Fill(new SKColor(30, 40, 52))) canvas.DrawOval(new SKRect(d * 0.12f, -d * 0.07f, d * 0.28f, d * 0.07f), glass);
        using (var tailRotor = Stroke(new SKColor(50, 50, 54, 200), 0.6f)) canvas.DrawLine(-d * 0.58f, -d * 0.08f, -d * 0.58f, d * 0.08f, tailRotor);
        using (var disc = Fill(new SKColor(60, 62, 66, 46))) canvas.DrawCircle(0, 0, d / 2, disc);
        using var blade = Stroke(new SKColor(36, 36, 40, 230), Math.Max(0.7f, d * 0.035f));
        for (int i = 0; i < style.Variant; i++)
        {
            float a = style.Spin + i * MathF.Tau / style.Variant;
            canvas.DrawLine(0, 0, MathF.Cos(a) * d / 2, MathF.Sin(a) * d / 2, blade);
        }
        using var hub = Fill(new SKColor(40, 40, 44));
        canvas.DrawCircle(0, 0, Math.Max(0.8f, d * 0.04f), hub);
    }
}
