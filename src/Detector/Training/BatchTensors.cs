using AutoRetrain.Detector.Data;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// A <see cref="ChipBatch"/> as tensors on the training device (owned by the caller's dispose scope). On the CPU the
/// tensors are the batch's own arrays (<c>from_array</c>; <c>tensor(array)</c> clones, which put 16 MB of large-object
/// garbage on the heap every step for a batch of 16 chips of 256 px); the training loop and the per-tile statistics
/// are done with them before the batch's arrays are recycled for the next.
/// </summary>
public sealed record BatchTensors(Tensor Images, Tensor Heatmap, Tensor Size, Tensor Offset, Tensor Mask)
{
    public static BatchTensors From(ChipBatch b, Device device)
    {
        long n = b.Count, s = b.ChipSize, o = b.OutputSize;
        return new BatchTensors(
            from_array(b.Images).reshape(n, 3, s, s).to(device),
            from_array(b.Heatmap).reshape(n, b.ClassCount, o, o).to(device),
            from_array(b.Size).reshape(n, 2, o, o).to(device),
            from_array(b.Offset).reshape(n, 2, o, o).to(device),
            from_array(b.Mask).reshape(n, 1, o, o).to(device));
    }
}
