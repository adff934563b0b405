using Azure.Data.Tables;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Cloud.Ledger;

/// <summary>How ledger records become Table Storage entities and back.</summary>
internal static class TileEntityMapping
{
    /// <summary>256 partitions by the first byte of the (uniformly distributed) tile id.</summary>
    public static string PartitionOf(TileId id) => id.Value[..2];

    /// <summary>
    /// Row keys may not hold '/', '\', '#', '?' or control characters and are limited to 1 KiB, while pairing and
    /// quarantine keys are paths: such keys are stored under their SHA-256, the original kept as a property.
    /// </summary>
    public static string RowKeyOf(string key) => ContentHash.Of(key);

    public static TableEntity ToEntity(TileRecord tile) => new(PartitionOf(tile.Id), tile.Id.Value)
    {
        ["SourceName"] = tile.SourceName,
        ["PairingKey"] = tile.PairingKey,
        ["ImageKey"] = tile.ImageKey,
        ["ImageJson"] = Json.Serialize(tile.Image, indented: false),
        ["SizeBytes"] = tile.SizeBytes,
        ["ArrivedAt"] = tile.ArrivedAt,
        ["Split"] = tile.Split.ToString(),
        ["LabelHash"] = tile.LabelHash,
        ["LabelKey"] = tile.LabelKey,
        ["LabelledAt"] = tile.LabelledAt,
        ["ClassCountsJson"] = Json.Serialize(tile.ClassCounts, indented: false),
    };

    public static TileRecord ToTile(TableEntity e)
    {
        string? labelHash = e.GetString("LabelHash");
        return new TileRecord
        {
            Id = new TileId(e.RowKey),
            SourceName = e.GetString("SourceName"),
            ImageKey = e.GetString("ImageKey"),
            Image = Json.Deserialize<ImageInfo>(e.GetString("ImageJson"), $"tile ledger entity {e.RowKey}"),
            SizeBytes = e.GetInt64("SizeBytes") ?? 0,
            ArrivedAt = e.GetDateTimeOffset("ArrivedAt") ?? DateTimeOffset.MinValue,
            Split = Enum.Parse<Split>(e.GetString("Split")),
            LabelState = labelHash is null ? LabelState.Unlabelled : LabelState.Labelled,
            LabelHash = labelHash,
            LabelKey = e.GetString("LabelKey"),
            LabelledAt = e.GetDateTimeOffset("LabelledAt"),
            ClassCounts = Json.Deserialize<Dictionary<string, int>>(e.GetString("ClassCountsJson") ?? "{}", $"tile ledger entity {e.RowKey}"),
        };
    }

    public static TableEntity ToEntity(PendingLabel label) => new(PendingPartition, RowKeyOf(label.PairingKey))
    {
        ["PairingKey"] = label.PairingKey,
        ["LabelHash"] = label.LabelHash,
        ["LabelKey"] = label.LabelKey,
        ["SourceName"] = label.SourceName,
        ["ArrivedAt"] = label.ArrivedAt,
    };

    public static PendingLabel ToPendingLabel(TableEntity e) => new(e.GetString("PairingKey"), e.GetString("LabelHash"),
        e.GetString("LabelKey"), e.GetString("SourceName"), e.GetDateTimeOffset("ArrivedAt") ?? DateTimeOffset.MinValue);

    public static TableEntity ToEntity(QuarantineEntry entry) => new(QuarantinePartition, RowKeyOf(entry.Key))
    {
        ["Key"] = entry.Key,
        ["SourceName"] = entry.SourceName,
        ["Code"] = entry.Code,
        ["Message"] = entry.Message,
        ["At"] = entry.At,
    };

    public static QuarantineEntry ToQuarantineEntry(TableEntity e) => new(e.GetString("Key"), e.GetString("SourceName"),
        e.GetString("Code"), e.GetString("Message"), e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);

    /// <summary>Index row: partition = the pairing key's hash, row = the tile id.</summary>
    public static TableEntity ToPairingIndex(TileRecord tile) => new(RowKeyOf(tile.PairingKey), tile.Id.Value)
    {
        ["PairingKey"] = tile.PairingKey,
        ["ArrivedAt"] = tile.ArrivedAt,
    };

    public const string PendingPartition = "pending";
    public const string QuarantinePartition = "quarantine";

}
