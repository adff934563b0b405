using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Core.Ingestion;

public sealed record IngestionOptions
{
    /// <summary>When set, labels naming any other class are quarantined (UnknownClass).</summary>
    public IReadOnlySet<string>? ClosedClassSet { get; init; }

    /// <summary>Pixel and byte limits; images above them are refused before their pixels are decoded.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>Largest label sidecar in bytes; a larger one is refused before it is read.</summary>
    public long MaxSidecarBytes { get; init; } = LabelReader.DefaultMaxBytes;

    /// <summary>Share of tiles that go to validation (fixed for the life of a project: the split depends on it).</summary>
    public double ValidationFraction { get; init; } = SplitAssigner.DefaultValidationFraction;
}
