using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Data;

/// <summary>A decoded training or validation tile: RGB pixels (row-major, 3 bytes a pixel) and its labelled objects.</summary>
public sealed record LabelledTile(string TileId, string Source, int Width, int Height, byte[] Rgb, IReadOnlyList<LabelObject> Objects);

/// <summary>Training and validation tiles plus the classes found in their labels (sorted, ordinal).</summary>
public sealed record TileDataset(string SnapshotId, IReadOnlyList<LabelledTile> Train, IReadOnlyList<LabelledTile> Validation)
{
    public IReadOnlyList<string> ClassesInLabels() =>
        Train.Concat(Validation).SelectMany(t => t.Objects).Select(o => o.Class)
             .Distinct().Order(StringComparer.Ordinal).ToList();
}
