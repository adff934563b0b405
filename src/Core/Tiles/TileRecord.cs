using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Core.Tiles;

public enum LabelState
{
    /// <summary>No labels yet: can still be scored and ranked for labelling.</summary>
    Unlabelled,
    Labelled,
}

/// <summary>One registered tile as the tile ledger keeps it.</summary>
public sealed record TileRecord
{
    public required TileId Id { get; init; }

    /// <summary>File name the image arrived under (the first one, if it arrived twice).</summary>
    public required string SourceName { get; init; }

    /// <summary>Key of the image in the <c>datasets</c> container.</summary>
    public required string ImageKey { get; init; }

    public required ImageInfo Image { get; init; }
    public required long SizeBytes { get; init; }
    public required DateTimeOffset ArrivedAt { get; init; }
    public required Split Split { get; init; }

    public LabelState LabelState { get; init; } = LabelState.Unlabelled;

    /// <summary>SHA-256 of the current label sidecar's bytes; null while unlabelled.</summary>
    public string? LabelHash { get; init; }

    /// <summary>Key of the current label sidecar in the <c>datasets</c> container.</summary>
    public string? LabelKey { get; init; }

    public DateTimeOffset? LabelledAt { get; init; }

    /// <summary>Objects per class in the current labels.</summary>
    public IReadOnlyDictionary<string, int> ClassCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>The name an image and its label sidecar share (see <see cref="Labels.LabelFile.PairingKeyOf"/>).</summary>
    public string PairingKey => Labels.LabelFile.PairingKeyOf(SourceName);
}
