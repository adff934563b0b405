using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Training;

/// <summary>One object of a chip, in chip pixels, with its index in the model's class list.</summary>
public readonly record struct ChipObject(BoundingBox Box, int ClassIndex);

/// <summary>
/// The dense training targets of one chip at output stride: per-class Gaussian heatmaps peaking at 1 on
/// each object's centre cell, and the cells that regress each object's box: its size (in cells), the offset from the
/// cell to the box centre, and a regression weight (the mask). By default only the centre cell regresses (CenterNet,
/// weight 1). With a regression area β &gt; 0 the cells of the centre rectangle of β × the box's size regress it too,
/// weighted by a Gaussian over that rectangle normalised to sum to 1 per object (TTFNet, Liu et al. 2020: more
/// regression samples per object, which trains faster); where two objects' areas meet, the smaller object's cell wins.
/// Either way the mask sums to about the number of objects, the normaliser of the loss.
/// </summary>
public sealed class CenterNetTargets
{
    public required float[] Heatmap { get; init; }   // [classes, h, w]
    public required float[] Size { get; init; }      // [2, h, w]
    public required float[] Offset { get; init; }    // [2, h, w]
    public required float[] Mask { get; init; }      // [1, h, w]

    public static CenterNetTargets Build(IReadOnlyList<ChipObject> objects, int classCount, int outputHeight, int outputWidth, int stride,
        double regressionArea = 0)
    {
        int cells = outputHeight * outputWidth;
        var targets = new CenterNetTargets
        {
            Heatmap = new float[classCount * cells],
            Size = new float[2 * cells],
            Offset = new float[2 * cells],
            Mask = new float[cells],
        };
        Write(objects, outputHeight, outputWidth, stride, targets.Heatmap, targets.Size, targets.Offset, targets.Mask, regressionArea);
        return targets;
    }

    /// <summary>Draws the targets into zeroed planes ([classes, h, w], [2, h, w], [2, h, w], [h, w]): a batch writes each
    /// chip's straight into its own arrays. <paramref name="regressionArea"/> is β (0: the centre cell alone).</summary>
    public static void Write(IReadOnlyList<ChipObject> objects, int outputHeight, int outputWidth, int stride,
        Span<float> heatmap, Span<float> size, Span<float> offset, Span<float> mask, double regressionArea = 0)
    {
        if (!(regressionArea >= 0 && regressionArea <= 1))
            throw new ArgumentOutOfRangeException(nameof(regressionArea), regressionArea, "a fraction of the box from 0 to 1");
        int cells = outputHeight * outputWidth;
        // Larger boxes first, so that where regression areas meet the smaller object's is drawn last and kept.
        IEnumerable<ChipObject> order = regressionArea > 0 ? objects.OrderByDescending(o => o.Box.Width * o.Box.Height) : objects;
        foreach (var o in order)
        {
            double w = o.Box.Width / stride, h = o.Box.Height / stride;
            if (w <= 0 || h <= 0) continue;
            double cx = o.Box.CenterX / stride, cy = o.Box.CenterY / stride;
            int ix = (int)Math.Floor(cx), iy = (int)Math.Floor(cy);
            if (ix < 0 || iy < 0 || ix >= outputWidth || iy >= outputHeight) continue;
            int radius = Math.Max(0, (int)GaussianRadius(h, w, 0.7));
            DrawGaussian(heatmap.Slice(o.ClassIndex * cells, cells), outputWidth, outputHeight, ix, iy, radius);
            // The centre rectangle of β × the box, in whole cells either side of the centre cell (the centre cell at least).
            int rx = (int)(regressionArea * w / 2), ry = (int)(regressionArea * h / 2);
            int x0 = Math.Max(0, ix - rx), x1 = Math.Min(outputWidth - 1, ix + rx), y0 = Math.Max(0, iy - ry), y1 = Math.Min(outputHeight - 1, iy + ry);
            // The Gaussian is separable: a cell's weight is gx(dx)·gy(dy), and the sum over the rectangle Σgx·Σgy.
            double sx = (2 * rx + 1) / 6.0, sy = (2 * ry + 1) / 6.0, sumX = 0, sumY = 0;
            for (int x = x0; x <= x1; x++) sumX += Gaussian(x - ix, sx);
            for (int y = y0; y <= y1; y++) sumY += Gaussian(y - iy, sy);
            for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                int cell = y * outputWidth + x;
                size[cell] = (float)w;
                size[cells + cell] = (float)h;
                offset[cell] = (float)(cx - x);
                offset[cells + cell] = (float)(cy - y);
                mask[cell] = (float)(Gaussian(x - ix, sx) * Gaussian(y - iy, sy) / (sumX * sumY));
            }
        }
    }

    private static double Gaussian(int d, double sigma) => Math.Exp(-d * d / (2 * sigma * sigma));

    /// <summary>
    /// CenterNet's radius: the largest corner displacement that keeps a box of this size at IoU ≥
    /// <paramref name="minOverlap"/> with the truth (smallest root of the three cases).
    /// </summary>
    public static double GaussianRadius(double height, double width, double minOverlap)
    {
        double b1 = height + width, c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
        double r1 = (b1 + Math.Sqrt(b1 * b1 - 4 * c1)) / 2;
        double b2 = 2 * (height + width), c2 = (1 - minOverlap) * width * height;
        double r2 = (b2 + Math.Sqrt(b2 * b2 - 16 * c2)) / 2;
        double a3 = 4 * minOverlap, b3 = -2 * minOverlap * (height + width), c3 = (minOverlap - 1) * width * height;
        double r3 = (b3 + Math.Sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.Min(r1, Math.Min(r2, r3));
    }

    private static void DrawGaussian(Span<float> plane, int width, int height, int cx, int cy, int radius)
    {
        double sigma = (2 * radius + 1) / 6.0;
        for (int y = Math.Max(0, cy - radius); y <= Math.Min(height - 1, cy + radius); y++)
        for (int x = Math.Max(0, cx - radius); x <= Math.Min(width - 1, cx + radius); x++)
        {
            int dx = x - cx, dy = y - cy;
            float value = (float)Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            ref float cell = ref plane[y * width + x];
            if (value > cell) cell = value;
        }
    }
}
