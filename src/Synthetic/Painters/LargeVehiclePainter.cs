using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>A lorry (cab and trailer with roof ribs) or a bus (window bands, roof units).</summary>
internal sealed class LargeVehiclePainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.LargeVehicle;
    public override float RelativeHeight => 0.16f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Trucks), random, 10), Palette.Jitter(random.Pick(Palette.Cars), random, 10),
            random.Chance(0.7) ? 0 : 1, false, 0);

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        using var path = new SKPathBuilder();
        path.AddRoundRect(new SKRect(-length / 2, -width / 2, length / 2, width / 2), width * 0.15f, width * 0.15f);
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sunFromLocal)
    {
        float half = width / 2;
        if (style.Variant == 0)
        {
            float cabStart = length / 2 - width * 0.85f;
            using (var trailer = Fill(style.Body))
                canvas.DrawRoundRect(new SKRect(-length / 2, -half, cabStart - 0.8f, half), 0.6f, 0.6f, trailer);
            using (var ribs = Stroke(Palette.Shade(style.Body, 0.82f), 0.4f))
                for (float x = -length / 2 + 2.5f; x < cabStart - 2; x += 2.5f)
                    canvas.DrawLine(x, -half + 0.5f, x, half - 0.5f, ribs);
            using (var cab = Fill(style.Accent))
                canvas.DrawRoundRect(new SKRect(cabStart, -half * 0.9f, length / 2, half * 0.9f), 1f, 1f, cab);
            using (var glass = Fill(new SKColor(28, 34, 44)))
                canvas.DrawRect(new SKRect(length / 2 - width * 0.28f, -half * 0.8f, length / 2 - width * 0.12f, half * 0.8f), glass);
        }
        else
        {
            using var silhouette = Silhouette(length, width, style);
            using (var body = Fill(style.Body)) canvas.DrawPath(silhouette, body);
            using (var band = Fill(new SKColor(30, 36, 46)))
            {
                canvas.DrawRect(new SKRect(-length / 2 + 1, -half, length / 2 - 1.5f, -half * 0.72f), band);
                canvas.DrawRect(new SKRect(-length / 2 + 1, half * 0.72f, length / 2 - 1.5f, half), band);
                canvas.DrawRect(new SKRect(length / 2 - 1.3f, -half * 0.8f, length / 2, half * 0.8f), band);
            }
            using var unit = Fill(Palette.Shade(style.Body, 0.78f));
            canvas.DrawRect(new SKRect(-length * 0.3f, -half * 0.45f, -length * 0.12f, half * 0.45f), unit);
            canvas.DrawRect(new SKRect(length * 0.05f, -half * 0.35f, length * 0.16f, half * 0.35f), unit);
        }
    }
}
