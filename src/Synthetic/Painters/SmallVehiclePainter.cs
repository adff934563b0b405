using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>A car seen from above: rounded body, dark windscreen and rear window, lighter roof.</summary>
internal sealed class SmallVehiclePainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.SmallVehicle;
    public override float RelativeHeight => 0.14f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Cars), random, 10), default, random.Int(0, 3), false, 0);

    public override SKPath Silhouette(float length, float width, ObjectStyle style)
    {
        using var path = new SKPathBuilder();
        path.AddRoundRect(new SKRect(-length / 2, -width / 2, length / 2, width / 2), width * 0.35f, width * 0.35f);
        return path.Detach();
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sunFromLocal)
    {
        using var silhouette = Silhouette(length, width, style);
        using (var body = Fill(style.Body)) canvas.DrawPath(silhouette, body);
        var glass = new SKColor(28, 34, 44);
        float half = width / 2;
        using (var windows = Fill(glass))
        {
            using var windscreen = new SKPathBuilder();
            windscreen.AddPoly([new(length * 0.08f, -half * 0.78f), new(length * 0.27f, -half * 0.86f), new(length * 0.27f, half * 0.86f), new(length * 0.08f, half * 0.78f)]);
            canvas.DrawPath(windscreen, windows);
            var rear = style.Variant == 2 ? new SKRect(-length * 0.42f, -half * 0.75f, -length * 0.34f, half * 0.75f)   // estate: short rear glass
                                          : new SKRect(-length * 0.34f, -half * 0.75f, -length * 0.22f, half * 0.75f);
            canvas.DrawRect(rear, windows);
        }
        using (var roof = Fill(Palette.Shade(style.Body, 1.08f)))
            canvas.DrawRect(new SKRect(style.Variant == 2 ? -length * 0.34f : -length * 0.22f, -half * 0.7f, length * 0.08f, half * 0.7f), roof);
        using (var edge = Stroke(Palette.Shade(style.Body, 0.6f), 0.5f)) canvas.DrawPath(silhouette, edge);
    }
}
