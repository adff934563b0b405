using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Ingestion;

public enum IngestKind
{
    /// <summary>A new image became a tile.</summary>
    TileAdded,
    /// <summary>The same image bytes were already a tile (re-upload, retried trigger).</summary>
    DuplicateTile,
    /// <summary>Labels were attached to (or changed on) a tile.</summary>
    LabelsAttached,
    /// <summary>The same labels were already attached.</summary>
    LabelsUnchanged,
    /// <summary>Labels arrived before their image; they are kept until it comes.</summary>
    LabelsPending,
    /// <summary>Refused: moved to quarantine with its reason.</summary>
    Quarantined,
}

/// <summary>
/// A tile that has just become labelled (or whose labels changed), for the cycle manager's counts. <see cref="LabelHash"/>
/// (the SHA-256 of the label file now attached) makes the change identifiable by content: the same labels reported again
/// are the same change.
/// </summary>
public sealed record NewlyLabelledTile(TileId TileId, Split Split, IReadOnlyDictionary<string, int> ClassCounts, bool Relabelled,
    string LabelHash);

/// <summary>What one delivery did. <see cref="NewlyLabelled"/> is set only by the delivery that changed the ledger.</summary>
public sealed record IngestOutcome(
    IngestKind Kind,
    string SourceName,
    TileId? TileId = null,
    NewlyLabelledTile? NewlyLabelled = null,
    IReadOnlyList<LabelProblem>? Problems = null,
    string? QuarantineKey = null)
{
    /// <summary>The quarantine record already existed (the same bad file seen again): nothing new to report.</summary>
    public bool AlreadyRecorded { get; init; }

    /// <summary>Only a record was written: the file was not read and stays where it is (a link, FIFO, unreadable file...).</summary>
    public bool RecordOnly { get; init; }

    public override string ToString() => Kind switch
    {
        IngestKind.Quarantined => $"{StoreKeys.Printable(SourceName)}: {(RecordOnly ? "refused, left in place" : "quarantined")} — {string.Join("; ", Problems ?? [])}",
        _ => $"{StoreKeys.Printable(SourceName)}: {Kind}{(TileId is { } id ? $" ({id.Short})" : "")}",
    };
}
