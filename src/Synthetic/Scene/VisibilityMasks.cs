using AutoRetrain.Core.Labels;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// Measures what remains visible of an object: its silhouette rasterised on its own, minus the
/// tree crowns drawn over it, clipped to the tile. The tight box of those pixels is the label.
/// </summary>
internal sealed class VisibilityMasks : IDisposable
{
    private readonly int _size;
    private readonly SKBitmap _occlusion;
    private readonly SKBitmap _object;
    private readonly SKCanvas _objectCanvas;

    public SKCanvas Occlusion { get; }

    public VisibilityMasks(int size)
    {
        _size = size;
        var info = new SKImageInfo(size, size, SKColorType.Alpha8, SKAlphaType.Premul);
        _occlusion = new SKBitmap(info);
        _object = new SKBitmap(info);
        _occlusion.Erase(SKColors.Transparent);
        Occlusion = new SKCanvas(_occlusion);
        _objectCanvas = new SKCanvas(_object);
    }

    /// <summary>The visible box and the visible share of the silhouette's pixels; null box when nothing shows.</summary>
    public (BoundingBox? Box, double VisibleShare) Measure(SKPath worldSilhouette)
    {
        _object.Erase(SKColors.Transparent);
        using (var paint = new SKPaint { IsAntialias = false, Color = SKColors.White }) _objectCanvas.DrawPath(worldSilhouette, paint);
        _objectCanvas.Flush();
        Occlusion.Flush();

        var bounds = worldSilhouette.Bounds;
        int x0 = Math.Max(0, (int)MathF.Floor(bounds.Left) - 1), y0 = Math.Max(0, (int)MathF.Floor(bounds.Top) - 1);
        int x1 = Math.Min(_size - 1, (int)MathF.Ceiling(bounds.Right) + 1), y1 = Math.Min(_size - 1, (int)MathF.Ceiling(bounds.Bottom) + 1);
        var objectPixels = _object.GetPixelSpan();
        var occluded = _occlusion.GetPixelSpan();
        int rowBytes = _object.RowBytes;
        int total = 0, visible = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                int i = y * rowBytes + x;
                if (objectPixels[i] < 128) continue;
                total++;
                if (occluded[i] >= 128) continue;
                visible++;
                minX = Math.Min(minX, x); minY = Math.Min(minY, y);
                maxX = Math.Max(maxX, x); maxY = Math.Max(maxY, y);
            }
        if (visible == 0) return (null, 0);
        return (new BoundingBox(minX, minY, maxX + 1, maxY + 1), (double)visible / total);
    }

    public void Dispose()
    {
        Occlusion.Dispose();
        _objectCanvas.Dispose();
        _occlusion.Dispose();
        _object.Dispose();
    }
}
