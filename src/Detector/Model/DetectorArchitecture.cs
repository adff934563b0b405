using AutoRetrain.Core;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// Channel widths of the backbone stages (strides 4, 8, 16) and of the heads. "nano" and "tiny" train on two CPU
/// cores at 256×256; the larger ones are for GPU.
/// </summary>
public sealed record DetectorArchitecture(string Name, int Stride4Channels, int Stride8Channels, int Stride16Channels, int HeadChannels)
{
    /// <summary>Heatmaps, sizes and offsets come out at 1/4 of the input resolution.</summary>
    public const int OutputStride = 4;

    public static readonly DetectorArchitecture Nano = new("nano", 16, 32, 64, 32);
    public static readonly DetectorArchitecture Tiny = new("tiny", 24, 48, 96, 48);
    public static readonly DetectorArchitecture Small = new("small", 32, 64, 128, 64);
    public static readonly DetectorArchitecture Medium = new("medium", 64, 128, 256, 128);

    /// <summary>Channels of the stem's first convolution (half the stride-4 width).</summary>
    public int StemChannels => Stride4Channels / 2;

    /// <summary>
    /// True when a convolution width is neither 8 nor a multiple of 16, so that oneDNN's AVX-512 kernels pad it to their
    /// 16-channel blocks: "tiny" (12, 24). Measured (bench heapcheck): on a heap poisoned with NaN, "tiny"'s forward
    /// gives NaN on every try and "nano", "small" and "medium" never do. Such a model needs the heap zeroed (NativeHeap).
    /// </summary>
    public bool PadsChannels => new[] { StemChannels, Stride4Channels, Stride8Channels, Stride16Channels, HeadChannels }
        .Any(c => c != 8 && c % 16 != 0);

    public static IReadOnlyList<DetectorArchitecture> Known { get; } = [Nano, Tiny, Small, Medium];

    public static DetectorArchitecture Named(string name) =>
        Known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AutoRetrainException(
            $"unknown detector architecture '{name}'; known: {string.Join(", ", Known.Select(a => a.Name))}.");
}
