using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>
/// A ship: hull with a pointed bow, deck, bridge superstructure near the stern, and cargo (containers,
/// a tanker's pipe line, or an open hold). A moving ship leaves a V-shaped wake and a bow wave.
/// </summary>
internal sealed class ShipPainter : ObjectPainter
{
    public override string ClassName => SyntheticClasses.Ship;
    public override float RelativeHeight => 0.1f;

    public override ObjectStyle ChooseStyle(SceneRandom random) =>
        new(Palette.Jitter(random.Pick(Palette.Hulls), random, 8), Palette.Jitter(random.Pick(Palette.Decks), random, 10),
            random.Int(0, 3), random.Chance(0.7), random.Unit() < 0.5 ? 0 : 1);

    public override SKPath Silhouette(float length, float width, ObjectStyle style) => Hull(length, width, 1f);

    public override void PaintUnderlay(SKCanvas canvas, float length, float width, ObjectStyle style)
    {
        if (!style.Moving) return;
        float stern = -length / 2, w = width / 2, trail = length * 1.6f;
        using var wake = new SKPaint { IsAntialias = true };
        wake.Shader = SKShader.CreateLinearGradient(new SKPoint(stern, 0), new SKPoint(stern - trail, 0),
            [new SKColor(226, 232, 236, 150), new SKColor(226, 232, 236, 0)], SKShaderTileMode.Clamp);
        using var turbulence = new SKPathBuilder();
        turbulence.AddPoly([new(stern + 2, -w * 0.8f), new(stern - trail, -w * 2.4f), new(stern - trail, w * 2.4f), new(stern + 2, w * 0.8f)]);
        canvas.DrawPath(turbulence, wake);

        using var arms = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.9f };
        arms.Shader = SKShader.CreateLinearGradient(new SKPoint(length / 2, 0), new SKPoint(stern - trail * 1.2f, 0),
            [new SKColor(236, 240, 242, 170), new SKColor(236, 240, 242, 0)], SKShaderTileMode.Clamp);
        float spread = 0.36f;   // the Kelvin wake's arms open at about 19.5° each side
        canvas.DrawLine(length * 0.42f, -w * 0.6f, length * 0.42f - trail * 1.2f, -w * 0.6f - trail * 1.2f * spread, arms);
        canvas.DrawLine(length * 0.42f, w * 0.6f, length * 0.42f - trail * 1.2f, w * 0.6f + trail * 1.2f * spread, arms);
    }

    public override void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sun)
    {
        using (var hull = Hull(length, width, 1f)) using (var paint = Fill(style.Body)) canvas.DrawPath(hull, paint);
        using (var deck = Hull(length * 0.94f, width * 0.8f, 1f)) using (var paint = Fill(style.Accent)) canvas.DrawPath(deck, paint);

        float w = width / 2;
        switch (style.Variant)
        {
            case 0:   // container ship: rows of coloured boxes
                float bay = Math.Max(2f, length * 0.06f);
                var colours = Palette.Containers;
                int k = (int)(style.Spin * 7);
                for (float x = -length * 0.22f; x < length * 0.28f; x += bay + 0.4f)
                    using (var box = Fill(colours[k++ % colours.Length]))
                        canvas.DrawRect(new SKRect(x, -w * 0.7f, x + bay, w * 0.7f), box);
                break;
            case 1:   // tanker: a pipe line along the deck and a manifold
                using (var pipe = Stroke(Palette.Shade(style.Accent, 1.35f), Math.Max(0.6f, width * 0.06f)))
                {
                    canvas.DrawLine(-length * 0.25f, 0, length * 0.35f, 0, pipe);
                    canvas.DrawLine(length * 0.05f, -w * 0.6f, length * 0.05f, w * 0.6f, pipe);
                }
                break;
            default:  // bulk carrier: dark hatches
                using (var hatch = Fill(Palette.Shade(style.Accent, 0.6f)))
                    for (float x = -length * 0.2f; x < length * 0.3f; x += length * 0.12f)
                        canvas.DrawRect(new SKRect(x, -w * 0.5f, x + length * 0.08f, w * 0.5f), hatch);
                break;
        }
        var bridge = new SKRect(-length * 0.44f, -w * 0.75f, -length * 0.3f, w * 0.75f);
        using (var shadow = Fill(new SKColor(0, 0, 0, 80)))
            canvas.DrawRect(new SKRect(bridge.Left - sun.X * 1.5f, bridge.Top - sun.Y * 1.5f, bridge.Right - sun.X * 1.5f, bridge.Bottom - sun.Y * 1.5f), shadow);
        using (var superstructure = Fill(new SKColor(236, 236, 232))) canvas.DrawRect(bridge, superstructure);
        if (style.Moving)
            using (var bowWave = Stroke(new SKColor(240, 244, 246, 190), 0.8f))
            {
                canvas.DrawArc(new SKRect(length * 0.3f, -w * 1.3f, length * 0.58f, w * 1.3f), -70, 140, false, bowWave);
            }
    }

    /// <summary>Straight sides, a square stern with rounded corners, and a bow that narrows to a point.</summary>
    private static SKPath Hull(float length, float width, float scale)
    {
        float l = length / 2 * scale, w = width / 2 * scale, bowStart = length * 0.18f * scale;
        using var path = new SKPathBuilder();
        path.MoveTo(-l + w * 0.3f, -w);
        path.LineTo(bowStart, -w);
        path.QuadTo(l * 0.9f, -w, l, 0);
        path.QuadTo(l * 0.9f, w, bowStart, w);
        path.LineTo(-l + w * 0.3f, w);
        path.QuadTo(-l, w, -l, 0);
        path.QuadTo(-l, -w, -l + w * 0.3f, -w);
        path.Close();
        return path.Detach();
    }
}
