using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Functions.Tests;

internal static class TestTiles
{
    /// <summary>A ledger record for fresh random "image" bytes (the ledger never reads pixels).</summary>
    public static TileRecord New(string sourceName, DateTimeOffset? arrivedAt = null)
    {
        var id = TileId.Of(Guid.NewGuid().ToByteArray());
        return new TileRecord
        {
            Id = id,
            SourceName = sourceName,
            ImageKey = $"tiles/{id.Value[..2]}/{id.Value}.png",
            Image = new ImageInfo(ImageFormat.Png, 64, 48, 3, 8),
            SizeBytes = 1234,
            ArrivedAt = arrivedAt ?? new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
            Split = Split.Train,
        };
    }
}
