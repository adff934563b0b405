using AutoRetrain.Detector.Data;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>A <see cref="ChipBatch"/> as tensors on the training device (owned by the caller's dispose scope).</summary>
public sealed record BatchTensors(Tensor Images, Tensor Heatmap, Tensor Size, Tensor Offset, Tensor Mask)
{
    public static BatchTensors From(ChipBatch b, Device device)
    {
        long n = b.Count, s = b.ChipSize, o = b.OutputSize;
        return new BatchTensors(
            tensor(b.Images).reshape(n, 3, s, s).to(device),
            tensor(b.Heatmap).reshape(n, b.ClassCount, o, o).to(device),
            tensor(b.Size).reshape(n, 2, o, o).to(device),
            tensor(b.Offset).reshape(n, 2, o, o).to(device),
            tensor(b.Mask).reshape(n, 1, o, o).to(device));
    }
}
