using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>Paints the ground of a tile: a patchwork of fields, then water, roads and pads, then texture.</summary>
internal static class GroundPainter
{
    public static void Paint(SKCanvas canvas, SceneLayout layout, SeasonPalette palette, SceneRandom random, int size)
    {
        PaintFields(canvas, palette, random, size);
        foreach (var region in layout.Regions)
        {
            switch (region)
            {
                case WaterRegion water: PaintWater(canvas, water, palette); break;
                case RoadRegion road: PaintRoad(canvas, road, palette, random); break;
                case PadRegion pad: PaintPad(canvas, pad, palette, random); break;
            }
        }
        NoiseTextures.Overlay(canvas, NoiseTextures.Mottle, random, size, 60);
        NoiseTextures.Overlay(canvas, NoiseTextures.Grain, random, size, 40);
    }

    /// <summary>Rows of fields in a rotated frame; some show crop rows, some are split by hedges.</summary>
    private static void PaintFields(SKCanvas canvas, SeasonPalette palette, SceneRandom random, int size)
    {
        canvas.Save();
        canvas.Translate(size / 2f, size / 2f);
        canvas.RotateRadians(random.Range(-0.6f, 0.6f) + (random.Chance(0.5) ? MathF.PI / 2 : 0));
        float reach = size * 0.75f;
        using var hedge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = random.Range(0.8f, 2f),
            Color = Palette.Shade(palette.TreeCrowns[0], 0.9f).WithAlpha(random.Chance(0.5) ? (byte)200 : (byte)0) };
        for (float y = -reach; y < reach;)
        {
            float rowHeight = random.Range(30, 100);
            for (float x = -reach; x < reach;)
            {
                float fieldWidth = random.Range(40, 150);
                var rect = new SKRect(x, y, x + fieldWidth, y + rowHeight);
                var colour = Palette.Jitter(random.Pick(palette.Fields), random, 10);
                using (var field = new SKPaint { IsAntialias = false, Color = colour }) canvas.DrawRect(rect, field);
                if (random.Chance(0.6)) PaintCropRows(canvas, rect, colour, palette.CropRowContrast, random);
                canvas.DrawRect(rect, hedge);
                x += fieldWidth;
            }
            y += rowHeight;
        }
        canvas.Restore();
    }

    private static void PaintCropRows(SKCanvas canvas, SKRect rect, SKColor colour, float contrast, SceneRandom random)
    {
        float spacing = random.Range(2.5f, 5f);
        bool across = random.Chance(0.5);
        var dark = Palette.Shade(colour, 1 - contrast);
        var end = across ? new SKPoint(rect.Left + spacing, rect.Top) : new SKPoint(rect.Left, rect.Top + spacing);
        using var rows = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(rect.Left, rect.Top), end,
                [colour, colour, dark, dark], [0, 0.5f, 0.5f, 1], SKShaderTileMode.Repeat),
        };
        canvas.DrawRect(rect, rows);
    }

    private static void PaintWater(SKCanvas canvas, WaterRegion water, SeasonPalette palette)
    {
        using var centre = water.CentreLine();
        using (var shore = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 * water.HalfWidth + 6,
                   StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round, Color = palette.Shore })
            canvas.DrawPath(centre, shore);
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 * water.HalfWidth,
            StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };
        // Deeper water is darker towards the middle of the channel.
        var shallow = Palette.Shade(palette.Water, 1.25f);
        fill.Color = shallow;
        canvas.DrawPath(centre, fill);
        fill.StrokeWidth = 2 * water.HalfWidth * 0.75f;
        fill.Color = Palette.Mix(shallow, palette.Water, 0.6f);
        canvas.DrawPath(centre, fill);
        fill.StrokeWidth = 2 * water.HalfWidth * 0.5f;
        fill.Color = palette.Water;
        canvas.DrawPath(centre, fill);
    }

    private static void PaintRoad(SKCanvas canvas, RoadRegion road, SeasonPalette palette, SceneRandom random)
    {
        using var outline = road.Outline();
        using (var verge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2.5f, Color = Palette.Shade(palette.Gravel, 0.95f) })
            canvas.DrawPath(outline, verge);
        using (var asphalt = new SKPaint { IsAntialias = true, Color = Palette.Jitter(palette.Asphalt, random, 8) }) canvas.DrawPath(outline, asphalt);

        float normal = road.Direction + MathF.PI / 2;
        var edge = new SKPoint(MathF.Cos(normal) * (road.HalfWidth - 1.2f), MathF.Sin(normal) * (road.HalfWidth - 1.2f));
        using (var edgeLine = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.7f, Color = new SKColor(200, 200, 196, 170) })
        {
            canvas.DrawLine(road.Start + edge, road.End + edge, edgeLine);
            canvas.DrawLine(road.Start - edge, road.End - edge, edgeLine);
        }
        using var centre = new SKPaint
        {
            IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.9f,
            Color = random.Chance(0.3) ? new SKColor(214, 184, 70, 220) : new SKColor(226, 226, 222, 210),
            PathEffect = SKPathEffect.CreateDash([5, 5], random.Range(0, 10)),
        };
        canvas.DrawLine(road.Start, road.End, centre);
    }

    private static void PaintPad(SKCanvas canvas, PadRegion pad, SeasonPalette palette, SceneRandom random)
    {
        var surface = pad.Site switch
        {
            Site.Parking => Palette.Shade(palette.Asphalt, random.Range(1.1f, 1.35f)),
            Site.Apron => Palette.Jitter(palette.Concrete, random, 8),
            Site.Industrial => Palette.Jitter(palette.Gravel, random, 10),
            _ => Palette.Mix(palette.Concrete, palette.Fields[0], random.Range(0.1f, 0.45f)),
        };
        using var outline = pad.Outline();
        using (var fill = new SKPaint { IsAntialias = true, Color = surface }) canvas.DrawPath(outline, fill);
        using (var kerb = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = Palette.Shade(surface, 0.8f) })
            canvas.DrawPath(outline, kerb);

        canvas.Save();
        canvas.Translate(pad.Centre.X, pad.Centre.Y);
        canvas.RotateRadians(pad.Angle);
        float l = pad.HalfLength, w = pad.HalfWidth;
        switch (pad.Site)
        {
            case Site.Parking:
                using (var stall = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.6f, Color = new SKColor(232, 232, 228, 190) })
                    for (float y = -w; y < w - 1; y += PadRegion.StallDepth)
                        for (float x = -l; x <= l + 0.1f; x += PadRegion.StallWidth)
                            canvas.DrawLine(x, y + 1, x, y + PadRegion.StallDepth - 1, stall);
                break;
            case Site.Apron:
                using (var joint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.6f, Color = Palette.Shade(surface, 0.9f) })
                {
                    for (float x = -l; x < l; x += 12) canvas.DrawLine(x, -w, x, w, joint);
                    for (float y = -w; y < w; y += 12) canvas.DrawLine(-l, y, l, y, joint);
                }
                using (var taxi = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1, Color = new SKColor(220, 184, 60, 200) })
                    canvas.DrawLine(-l, random.Range(-w, w) * 0.8f, l, random.Range(-w, w) * 0.8f, taxi);
                break;
            case Site.Industrial:
                using (var pipe = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.8f, Color = new SKColor(120, 120, 124) })
                {
                    canvas.DrawLine(-l + 2, -w + 2, l - 2, -w + 2, pipe);
                    canvas.DrawLine(-l + 2, -w + 4, l - 2, -w + 4, pipe);
                }
                break;
            case Site.Urban:
                using (var lawn = new SKPaint { IsAntialias = true, Color = Palette.Jitter(palette.Fields[0], random, 8) })
                    for (int i = 0; i < 3; i++)
                    {
                        float x = random.Range(-l, l * 0.6f), y = random.Range(-w, w * 0.6f);
                        canvas.DrawRect(new SKRect(x, y, x + random.Range(8, 24), y + random.Range(8, 20)), lawn);
                    }
                break;
        }
        canvas.Restore();
    }
}
