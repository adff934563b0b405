using AutoRetrain.Detector.Model;
using static AutoRetrain.Detector.Model.HeldScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// CenterNet's loss per sample: penalty-reduced pixel-wise focal loss on the heatmaps (α=2, β=4; optionally weighted
/// per class, the class-balanced loss),
/// plus L1 on size (weight 0.1) and offset (weight 1) at object centres, and optionally a GIoU term (1 − GIoU of the
/// box the centre cell predicts against the true box, Rezatofighi et al. 2019), each normalised by the
/// sample's object count. Per-sample values let the trainer weight tiles and report per-tile losses.
/// </summary>
public static class CenterNetLoss
{
    public const double SizeWeight = 0.1;
    public const double OffsetWeight = 1.0;

    /// <param name="output">[B, C+4, h, w] model output.</param>
    /// <param name="heatmap">[B, C, h, w] targets; <paramref name="size"/>, <paramref name="offset"/> [B, 2, h, w]; <paramref name="mask"/> [B, 1, h, w].</param>
    /// <returns>[B] loss per sample.</returns>
    /// <param name="classWeights">Optional [C] weight of each class's heatmap loss (class-balanced loss); null weighs every class 1.</param>
    /// <param name="giouWeight">Weight of the GIoU term; 0 leaves it out.</param>
    public static Tensor PerSample(Tensor output, Tensor heatmap, Tensor size, Tensor offset, Tensor mask, Tensor? classWeights = null,
        double giouWeight = 0)
    {
        using var scope = NewDisposeScope();
        long classes = heatmap.shape[1];
        var logits = output.narrow(1, 0, classes);
        var predictedSize = output.narrow(1, classes, 2);
        var predictedOffset = output.narrow(1, classes + 2, 2);

        // Every number passed to an operation is a Scalar held until after the call (HeldScalars says why).
        using Scalar sizeWeight = SizeWeight.ToScalar(), offsetWeight = OffsetWeight.ToScalar(), giou = giouWeight.ToScalar();
        var focal = FocalPerSample(logits, heatmap, classWeights);
        var objects = mask.sum([1, 2, 3]).clamp_min(One);
        var sizeL1 = ((predictedSize - size).abs() * mask).sum([1, 2, 3]) / objects;
        var offsetL1 = ((predictedOffset - offset).abs() * mask).sum([1, 2, 3]) / objects;
        var total = focal.add(sizeL1, sizeWeight).add_(offsetL1, offsetWeight);
        if (giouWeight > 0)
            total = total.add((OneMinus(Giou(predictedSize, predictedOffset, size, offset)) * mask).sum([1, 2, 3]) / objects, giou);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Generalised IoU, cell by cell, of the box each cell predicts (centre at the cell's origin plus the offset, the
    /// predicted width and height, negative sizes taken as 0) and the true box at that cell: IoU − (C − U) / C with
    /// U the union and C the smallest box enclosing both. In [−1, 1]; 1 for equal boxes. Shapes [B, 2, h, w] in, [B, 1, h, w] out.
    /// </summary>
    public static Tensor Giou(Tensor predictedSize, Tensor predictedOffset, Tensor size, Tensor offset)
    {
        using var scope = NewDisposeScope();
        var pw = predictedSize.narrow(1, 0, 1).clamp_min(Zero);
        var ph = predictedSize.narrow(1, 1, 1).clamp_min(Zero);
        var tw = size.narrow(1, 0, 1);
        var th = size.narrow(1, 1, 1);
        var (px, py) = (predictedOffset.narrow(1, 0, 1), predictedOffset.narrow(1, 1, 1));
        var (tx, ty) = (offset.narrow(1, 0, 1), offset.narrow(1, 1, 1));
        var (px0, py0, tx0, ty0) = (px - pw * OneHalf, py - ph * OneHalf, tx - tw * OneHalf, ty - th * OneHalf);
        var (px1, py1, tx1, ty1) = (Plus(px0, pw), Plus(py0, ph), Plus(tx0, tw), Plus(ty0, th));
        var intersection = (minimum(px1, tx1) - maximum(px0, tx0)).clamp_min(Zero) * (minimum(py1, ty1) - maximum(py0, ty0)).clamp_min(Zero);
        var union = Plus(pw * ph, tw * th) - intersection;
        var enclosing = (maximum(px1, tx1) - minimum(px0, tx0)) * (maximum(py1, ty1) - minimum(py0, ty0));
        using var epsilon = 1e-7.ToScalar();
        var giou = intersection / union.add(epsilon, One) - (enclosing - union) / enclosing.add(epsilon, One);
        return giou.MoveToOuterDisposeScope();
    }

    /// <summary>Focal loss per sample, normalised by the number of positive cells (at least 1); with
    /// <paramref name="classWeights"/> each class's cells (positive and negative) count with its class's weight.</summary>
    public static Tensor FocalPerSample(Tensor logits, Tensor target, Tensor? classWeights = null)
    {
        using var scope = NewDisposeScope();
        using Scalar low = 1e-4.ToScalar(), high = (1 - 1e-4).ToScalar();
        var p = logits.to_type(ScalarType.Float32).sigmoid().clamp(low, high);
        var positive = target.eq(One).to_type(ScalarType.Float32);
        var negativeWeight = OneMinus(target).pow(Four);
        var oneMinusP = OneMinus(p);
        var positiveLoss = p.log() * oneMinusP.pow(Two) * positive;
        var negativeLoss = oneMinusP.log() * p.pow(Two) * negativeWeight * OneMinus(positive);
        var perCell = Plus(positiveLoss, negativeLoss);
        if (classWeights is not null) perCell = perCell * classWeights.to_type(ScalarType.Float32).view(1, -1, 1, 1);
        var positives = positive.sum([1, 2, 3]).clamp_min(One);
        return (-perCell.sum([1, 2, 3]) / positives).MoveToOuterDisposeScope();
    }
}
