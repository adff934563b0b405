using AutoRetrain.Core;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// Channel widths of the backbone stages (strides 4, 8, 16) and of the heads. "tiny" trains on two CPU
/// cores in minutes at 256×256; the larger ones are for GPU.
/// </summary>
public sealed record DetectorArchitecture(string Name, int Stride4Channels, int Stride8Channels, int Stride16Channels, int HeadChannels)
{
    /// <summary>Heatmaps, sizes and offsets come out at 1/4 of the input resolution.</summary>
    public const int OutputStride = 4;

    public static readonly DetectorArchitecture Tiny = new("tiny", 24, 48, 96, 48);
    public static readonly DetectorArchitecture Small = new("small", 32, 64, 128, 64);
    public static readonly DetectorArchitecture Medium = new("medium", 64, 128, 256, 128);

    public static IReadOnlyList<DetectorArchitecture> Known { get; } = [Tiny, Small, Medium];

    public static DetectorArchitecture Named(string name) =>
        Known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AutoRetrainException(
            $"unknown detector architecture '{name}'; known: {string.Join(", ", Known.Select(a => a.Name))}.");
}
