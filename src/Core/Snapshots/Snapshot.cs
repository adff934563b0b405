using System.Text;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Snapshots;

/// <summary>One tile as a snapshot sees it: which image, which labels, which split.</summary>
public sealed record SnapshotEntry(string TileId, string LabelHash, Split Split, string ImageKey, string LabelKey);

/// <summary>
/// An immutable, content-addressed dataset version. <see cref="Id"/> is the SHA-256 of the
/// canonical entry list (sorted by tile id), so equal content gives an equal id wherever and
/// whenever it is built.
/// </summary>
public sealed record Snapshot
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required IReadOnlyList<SnapshotEntry> Entries { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }

    public IEnumerable<SnapshotEntry> Train => Entries.Where(e => e.Split == Split.Train);
    public IEnumerable<SnapshotEntry> Validation => Entries.Where(e => e.Split == Split.Validation);

    public static Snapshot Create(IEnumerable<TileRecord> tiles, DateTimeOffset createdAt)
    {
        var entries = tiles
            .Where(t => t.LabelState == LabelState.Labelled && t.LabelHash is not null && t.LabelKey is not null)
            .Select(t => new SnapshotEntry(t.Id.Value, t.LabelHash!, t.Split, t.ImageKey, t.LabelKey!))
            .OrderBy(e => e.TileId, StringComparer.Ordinal)
            .ToList();
        var classes = tiles.Where(t => t.LabelState == LabelState.Labelled)
            .SelectMany(t => t.ClassCounts.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        return new Snapshot { Id = ComputeId(entries), CreatedAt = createdAt, Entries = entries, Classes = classes };
    }

    public static string ComputeId(IEnumerable<SnapshotEntry> entries)
    {
        var canonical = new StringBuilder();
        foreach (var e in entries.OrderBy(e => e.TileId, StringComparer.Ordinal))
            canonical.Append(e.TileId).Append(' ').Append(e.LabelHash).Append(' ').Append(e.Split).Append('\n');
        return ContentHash.Of(canonical.ToString());
    }

    /// <summary>Recomputes the id from the entries; a snapshot read from storage must verify.</summary>
    public bool Verify() => ComputeId(Entries) == Id;
}
