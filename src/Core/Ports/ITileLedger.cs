using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Ports;

/// <summary>A label file that arrived before its image; kept until the image comes.</summary>
public sealed record PendingLabel(string PairingKey, string LabelHash, string LabelKey, string SourceName, DateTimeOffset ArrivedAt);

/// <summary>One refused input, as the ledger counts it.</summary>
public sealed record QuarantineEntry(string Key, string SourceName, string Code, string Message, DateTimeOffset At);

/// <summary>Totals the status API, the report and the policy read.</summary>
public sealed record LedgerCounts(int Tiles, int Labelled, int PendingLabels, int Quarantined,
    IReadOnlyDictionary<string, int> QuarantinedByCode);

/// <summary>
/// The registry of tiles. Every write is idempotent and conditional so that at-least-once,
/// concurrent and out-of-order delivery ends with exactly one tile per image.
/// SQLite locally, Table Storage in Azure.
/// </summary>
public interface ITileLedger
{
    /// <summary>Adds the tile unless a tile with this id exists. Returns the stored record and whether it was new.</summary>
    Task<(TileRecord Tile, bool Added)> AddTileAsync(TileRecord tile, CancellationToken ct = default);

    Task<TileRecord?> GetTileAsync(TileId id, CancellationToken ct = default);

    /// <summary>Tiles whose source name has this pairing key (<see cref="Labels.LabelFile.PairingKeyOf"/>), newest first.</summary>
    Task<IReadOnlyList<TileRecord>> FindByPairingKeyAsync(string pairingKey, CancellationToken ct = default);

    /// <summary>
    /// Attaches labels to a tile. Returns true only for the call that changed the stored label hash,
    /// so a duplicate delivery reports nothing new.
    /// </summary>
    Task<bool> SetLabelsAsync(TileId id, string labelHash, string labelKey, IReadOnlyDictionary<string, int> classCounts,
        DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Keeps (or replaces) the pending label for a pairing key.</summary>
    Task PutPendingLabelAsync(PendingLabel label, CancellationToken ct = default);

    Task<PendingLabel?> GetPendingLabelAsync(string pairingKey, CancellationToken ct = default);

    /// <summary>Removes the pending label for a pairing key if it still has this hash.</summary>
    Task RemovePendingLabelAsync(string pairingKey, string labelHash, CancellationToken ct = default);

    Task RecordQuarantineAsync(QuarantineEntry entry, CancellationToken ct = default);

    Task<IReadOnlyList<TileRecord>> ListTilesAsync(CancellationToken ct = default);

    Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(CancellationToken ct = default);

    Task<LedgerCounts> GetCountsAsync(CancellationToken ct = default);
}
