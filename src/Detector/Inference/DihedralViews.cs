using AutoRetrain.Core;
using AutoRetrain.Detector.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Inference;

/// <summary>
/// Test-time augmentation for overhead imagery, which has no "up": the detector also sees the chip flipped and rotated
/// (the symmetries of the square it was trained with, <see cref="Data.ChipTransform"/>), each view's output is mapped
/// back to the chip's frame, and the views are averaged before the peaks are decoded, as CenterNet's flip test does.
/// Heatmaps are averaged as probabilities and returned as logits, so <see cref="Decoding.PeakDecoder"/> reads the result
/// as one forward's output. Sizes are averaged with width and height swapped back for a transposed view; sub-cell offsets
/// with a flipped axis's offset read as 1 − offset (a centre at cell j + o of n cells lies at n − 1 − j + (1 − o) in
/// the flipped map). With all 8 views the result is exactly equivariant: the views of a flipped chip are the same 8.
/// Costs one forward per view.
/// </summary>
public static class DihedralViews
{
    /// <summary>The view counts allowed: the identity; with the horizontal flip; with the vertical flip and both; with the transposes.</summary>
    public static readonly int[] Allowed = [1, 2, 4, 8];

    /// <summary>Checks a view count, naming the option it came from.</summary>
    public static int Check(int views, string source) =>
        Allowed.Contains(views) ? views : throw new AutoRetrainException($"{source} {views}: must be 1, 2, 4 or 8 (views of each chip averaged).");

    /// <summary>The averaged output of <paramref name="views"/> views, [batch, classes + 4, H/4, W/4], as <see cref="InferenceCenterNet.Forward"/>.</summary>
    public static Tensor Forward(InferenceCenterNet net, Tensor input, int views)
    {
        Check(views, "views");
        if (views == 1) return net.Forward(input);
        if (input.shape[2] != input.shape[3]) throw new ArgumentException("Chips must be square to be transposed.", nameof(input));
        int classes = net.ClassCount;
        using var mode = inference_mode();
        Tensor? heat = null, regression = null;
        try
        {
            for (int v = 0; v < views; v++)
            {
                bool flipX = (v & 1) != 0, flipY = (v & 2) != 0, transpose = (v & 4) != 0;
                using var scope = NewDisposeScope();
                var x = transpose ? input.transpose(2, 3) : input;
                long[] dims = [.. flipY ? new long[] { 2 } : [], .. flipX ? new long[] { 3 } : []];
                if (dims.Length > 0) x = x.flip(dims);
                var output = net.Forward(x.contiguous());
                if (dims.Length > 0) output = output.flip(dims);
                var h = output.narrow(1, 0, classes).sigmoid();
                var r = output.narrow(1, classes, 4);
                var (w, hh, ox, oy) = (r.narrow(1, 0, 1), r.narrow(1, 1, 1), r.narrow(1, 2, 1), r.narrow(1, 3, 1));
                if (flipX) ox = HeldScalars.OneMinus(ox);
                if (flipY) oy = HeldScalars.OneMinus(oy);
                // The view's x axis is the chip's y axis when transposed: swap sizes and offsets back with the axes.
                r = transpose ? cat([hh, w, oy, ox], 1).transpose(2, 3) : cat([w, hh, ox, oy], 1);
                if (transpose) h = h.transpose(2, 3);
                if (heat is null)
                {
                    heat = h.contiguous().DetachFromDisposeScope();
                    regression = r.contiguous().DetachFromDisposeScope();
                }
                else
                {
                    heat.add_(h, HeldScalars.One);
                    regression!.add_(r, HeldScalars.One);
                }
            }
            // Numbers passed to operations are Scalars held until after the call (HeldScalars says why).
            using Scalar count = views.ToScalar(), low = 1e-6.ToScalar(), high = (1 - 1e-6).ToScalar();
            heat!.div_(count).clamp_(low, high);
            regression!.div_(count);
            using var logits = heat.logit();
            return cat([logits, regression], 1);
        }
        finally
        {
            heat?.Dispose();
            regression?.Dispose();
        }
    }
}
