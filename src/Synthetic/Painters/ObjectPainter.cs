using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Painters;

/// <summary>The look of one object instance, drawn once from the scene's random source.</summary>
internal readonly record struct ObjectStyle(SKColor Body, SKColor Accent, int Variant, bool Moving, float Spin);

/// <summary>
/// Draws one class in its own frame: centred on the origin, its length along +x (the front),
/// its width along y. The silhouette is what the label box must enclose; shadows and wakes are not part of it.
/// </summary>
internal abstract class ObjectPainter
{
    public abstract string ClassName { get; }

    /// <summary>Height of the object relative to its length, which scales its shadow.</summary>
    public abstract float RelativeHeight { get; }

    public abstract ObjectStyle ChooseStyle(SceneRandom random);

    public abstract SKPath Silhouette(float length, float width, ObjectStyle style);

    public abstract void Paint(SKCanvas canvas, float length, float width, ObjectStyle style, SKPoint sunFromLocal);

    /// <summary>What lies on the ground under the object and beyond its outline (a ship's wake).</summary>
    public virtual void PaintUnderlay(SKCanvas canvas, float length, float width, ObjectStyle style) { }

    /// <summary>The shadow: the silhouette cast away from the sun, smeared along the shadow so tall things cast long ones.</summary>
    public void PaintShadow(SKCanvas canvas, SKPath silhouette, SKPoint shadowStep, float length, float darkness)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(10, 12, 16, (byte)(darkness * 255)) };
        float reach = RelativeHeight * length;
        int steps = Math.Clamp((int)reach, 1, 6);
        using var shadow = new SKPathBuilder();
        for (int i = 1; i <= steps; i++)
        {
            using var copy = new SKPath(silhouette);
            float f = reach * i / steps;
            copy.Transform(SKMatrix.CreateTranslation(shadowStep.X * f, shadowStep.Y * f));
            shadow.AddPath(copy);
        }
        shadow.FillType = SKPathFillType.Winding;
        canvas.DrawPath(shadow, paint);
    }

    protected static SKPaint Fill(SKColor colour) => new() { IsAntialias = true, Color = colour, Style = SKPaintStyle.Fill };

    protected static SKPaint Stroke(SKColor colour, float width) =>
        new() { IsAntialias = true, Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = width };

    /// <summary>Brightness of a surface whose outward normal is <paramref name="normal"/> (local frame), lit from <paramref name="sun"/>.</summary>
    protected static float Lit(SKPoint normal, SKPoint sun) => 1f + 0.22f * (normal.X * sun.X + normal.Y * sun.Y);

    public static IReadOnlyDictionary<string, ObjectPainter> All { get; } = new ObjectPainter[]
    {
        new SmallVehiclePainter(), new LargeVehiclePainter(), new BuildingPainter(), new StorageTankPainter(),
        new ShipPainter(), new PlanePainter(), new HelicopterPainter(),
    }.ToDictionary(p => p.ClassName);
}
