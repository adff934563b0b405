using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// Tree crowns: a few overlapping discs with a shadow and a sunlit side. Every crown is also drawn
/// into the occlusion mask, so labels cover only what remains visible of an object beneath.
/// </summary>
internal static class TreePainter
{
    public static void Paint(SKCanvas canvas, SKCanvas occlusion, SKPoint centre, float radius, SeasonPalette palette,
        SceneRandom random, SKPoint shadowDirection)
    {
        var colour = Palette.Jitter(random.Pick(palette.TreeCrowns), random, 10).WithAlpha(palette.TreeAlpha);
        int lobes = random.Int(2, 5);
        Span<SKPoint> centres = stackalloc SKPoint[lobes];
        Span<float> radii = stackalloc float[lobes];
        for (int i = 0; i < lobes; i++)
        {
            float a = random.Angle(), d = random.Range(0, radius * 0.45f);
            centres[i] = centre + new SKPoint(MathF.Cos(a) * d, MathF.Sin(a) * d);
            radii[i] = radius * random.Range(0.6f, 0.9f);
        }
        float reach = radius * 1.3f;
        using (var shadow = new SKPaint { IsAntialias = true, Color = new SKColor(8, 14, 8, 90) })
            for (int i = 0; i < lobes; i++)
                canvas.DrawCircle(centres[i].X + shadowDirection.X * reach, centres[i].Y + shadowDirection.Y * reach, radii[i], shadow);
        using (var crown = new SKPaint { IsAntialias = true, Color = colour })
        using (var mask = new SKPaint { IsAntialias = false, Color = SKColors.White })
            for (int i = 0; i < lobes; i++)
            {
                canvas.DrawCircle(centres[i], radii[i], crown);
                occlusion.DrawCircle(centres[i], radii[i], mask);
            }
        using var light = new SKPaint { IsAntialias = true, Color = Palette.Shade(colour, 1.25f).WithAlpha((byte)(palette.TreeAlpha * 0.6f)) };
        for (int i = 0; i < lobes; i++)
            canvas.DrawCircle(centres[i].X - shadowDirection.X * radii[i] * 0.35f, centres[i].Y - shadowDirection.Y * radii[i] * 0.35f, radii[i] * 0.5f, light);
    }
}
