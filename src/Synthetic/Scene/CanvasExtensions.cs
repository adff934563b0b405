using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

internal static class CanvasExtensions
{
    /// <summary>Draws a path still being built (SkiaSharp 4 builds paths with <see cref="SKPathBuilder"/>).</summary>
    public static void DrawPath(this SKCanvas canvas, SKPathBuilder builder, SKPaint paint)
    {
        using var path = builder.Snapshot();
        canvas.DrawPath(path, paint);
    }
}
