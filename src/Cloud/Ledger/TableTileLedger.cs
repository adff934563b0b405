using Azure;
using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;
using static AutoRetrain.Cloud.Ledger.TileEntityMapping;

namespace AutoRetrain.Cloud.Ledger;

/// <summary>
/// The tile ledger on Azure Table Storage, with the semantics of the SQLite ledger:
/// adding a tile is an insert that fails with 409 when the tile exists (insert-if-absent); attaching labels is a
/// read followed by an update conditional on the read's ETag, retried on 412, so that of concurrent writers only
/// the one that changed the label hash reports true; a quarantine entry is an insert keyed by its content-addressed
/// blob key, so a redelivered bad file counts once.
/// Tables: <c>{prefix}Tiles</c> (partition = first byte of the tile id), <c>{prefix}Pairing</c> (pairing key → tile ids),
/// <c>{prefix}Labels</c> (pending labels and quarantine entries, one partition each).
/// </summary>
public sealed class TableTileLedger : ITileLedger
{
    private const int MaxConflictRetries = 50;

    private readonly TableClient _tiles;
    private readonly TableClient _pairing;
    private readonly TableClient _labels;
    private readonly TablesOnFirstUse _created;

    public TableTileLedger(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _tiles = service.GetTableClient(tablePrefix + "Tiles");
        _pairing = service.GetTableClient(tablePrefix + "Pairing");
        _labels = service.GetTableClient(tablePrefix + "Labels");
        _created = new TablesOnFirstUse(_tiles, _pairing, _labels);
    }

    private Task ReadyAsync(CancellationToken ct) => _created.ReadyAsync(ct);

    public async Task<(TileRecord Tile, bool Added)> AddTileAsync(TileRecord tile, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        // The index row first: if the tile insert is lost (crash), a retry writes it again; an index row without its
        // tile is skipped by FindByPairingKey.
        await _pairing.UpsertEntityAsync(ToPairingIndex(tile), TableUpdateMode.Replace, ct);
        try
        {
            await _tiles.AddEntityAsync(ToEntity(tile), ct);
            return (tile, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await GetTileAsync(tile.Id, ct)
                ?? throw new InvalidOperationException($"tile {tile.Id} reported as existing but not found.");
            return (stored, false);
        }
    }

    public async Task<TileRecord?> GetTileAsync(TileId id, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var response = await _tiles.GetEntityIfExistsAsync<TableEntity>(PartitionOf(id), id.Value, cancellationToken: ct);
        return response.HasValue ? ToTile(response.Value!) : null;
    }

    public async Task<IReadOnlyList<TileRecord>> FindByPairingKeyAsync(string pairingKey, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var tiles = new List<TileRecord>();
        await foreach (var index in _pairing.QueryAsync<TableEntity>(e => e.PartitionKey == RowKeyOf(pairingKey), cancellationToken: ct))
            if (await GetTileAsync(new TileId(index.RowKey), ct) is { } tile) tiles.Add(tile);
        return [.. tiles.OrderByDescending(t => t.ArrivedAt).ThenByDescending(t => t.Id.Value, StringComparer.Ordinal)];
    }

    public async Task<bool> SetLabelsAsync(TileId id, string labelHash, string labelKey, IReadOnlyDictionary<string, int> classCounts,
        DateTimeOffset at, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        for (int attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var current = await _tiles.GetEntityIfExistsAsync<TableEntity>(PartitionOf(id), id.Value, cancellationToken: ct);
            if (!current.HasValue) return false;
            var entity = current.Value!;
            if (entity.GetString("LabelHash") == labelHash) return false;
            entity["LabelHash"] = labelHash;
            entity["LabelKey"] = labelKey;
            entity["LabelledAt"] = at;
            entity["ClassCountsJson"] = AutoRetrain.Core.Json.Serialize(classCounts, indented: false);
            try
            {
                await _tiles.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another writer changed the tile since the read: read again and decide again.
            }
        }
        throw new AutoRetrain.Core.AutoRetrainException(
            $"tile {id}: labels could not be attached after {MaxConflictRetries} concurrent-update conflicts.");
    }

    public async Task PutPendingLabelAsync(PendingLabel label, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        await _labels.UpsertEntityAsync(ToEntity(label), TableUpdateMode.Replace, ct);
    }

    public async Task<PendingLabel?> GetPendingLabelAsync(string pairingKey, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var response = await _labels.GetEntityIfExistsAsync<TableEntity>(PendingPartition, RowKeyOf(pairingKey), cancellationToken: ct);
        return response.HasValue ? ToPendingLabel(response.Value!) : null;
    }

    public async Task RemovePendingLabelAsync(string pairingKey, string labelHash, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var response = await _labels.GetEntityIfExistsAsync<TableEntity>(PendingPartition, RowKeyOf(pairingKey), cancellationToken: ct);
        if (!response.HasValue || response.Value!.GetString("LabelHash") != labelHash) return;
        try
        {
            // Conditional on the ETag read: a newer pending label that replaced this one in between stays.
            await _labels.DeleteEntityAsync(response.Value, response.Value.ETag, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    public async Task RecordQuarantineAsync(QuarantineEntry entry, CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        try
        {
            await _labels.AddEntityAsync(ToEntity(entry), ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already counted: the key is content-addressed.
        }
    }

    public async Task<IReadOnlyList<TileRecord>> ListTilesAsync(CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var tiles = new List<TileRecord>();
        await foreach (var e in _tiles.QueryAsync<TableEntity>(cancellationToken: ct)) tiles.Add(ToTile(e));
        return [.. tiles.OrderBy(t => t.ArrivedAt).ThenBy(t => t.Id.Value, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        var entries = new List<QuarantineEntry>();
        await foreach (var e in _labels.QueryAsync<TableEntity>(e => e.PartitionKey == QuarantinePartition, cancellationToken: ct))
            entries.Add(ToQuarantineEntry(e));
        return [.. entries.OrderBy(e => e.At).ThenBy(e => e.Key, StringComparer.Ordinal)];
    }

    public async Task<LedgerCounts> GetCountsAsync(CancellationToken ct = default)
    {
        await ReadyAsync(ct);
        int tiles = 0, labelled = 0, pending = 0, quarantined = 0;
        var byCode = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var e in _tiles.QueryAsync<TableEntity>(select: ["LabelHash"], cancellationToken: ct))
        {
            tiles++;
            if (e.GetString("LabelHash") is not null) labelled++;
        }
        await foreach (var e in _labels.QueryAsync<TableEntity>(select: ["PartitionKey", "Code"], cancellationToken: ct))
        {
            if (e.PartitionKey == PendingPartition) { pending++; continue; }
            quarantined++;
            string code = e.GetString("Code") ?? "";
            byCode[code] = byCode.GetValueOrDefault(code) + 1;
        }
        return new LedgerCounts(tiles, labelled, pending, quarantined, new Dictionary<string, int>(byCode));
    }
}
