using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.SampleLedger;

namespace AutoRetrain.Cloud.SampleLedger;

/// <summary>
/// Per-tile histories on Table Storage (<c>{prefix}SampleLedger</c>): partition = first byte of the tile id,
/// row = tile id, the history as JSON. Writes are entity-group transactions of up to 100 rows of one partition;
/// merged cycles are rows of partition <c>merged-cycle</c> (tile-id partitions are two hex digits, so they never clash).
/// </summary>
public sealed class TableSampleLedgerStore : ISampleLedgerStore
{
    private const string MergedPartition = "merged-cycle";
    private const int MaxBatch = 100;
    private const int ParallelReads = 16;

    private readonly TableClient _table;
    private readonly TablesOnFirstUse _created;

    public TableSampleLedgerStore(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _table = service.GetTableClient(tablePrefix + "SampleLedger");
        _created = new TablesOnFirstUse(_table);
    }

    public async Task<IReadOnlyDictionary<string, TileHistory>> GetAsync(IEnumerable<string> tileIds, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, TileHistory>();
        await Parallel.ForEachAsync(tileIds.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = ct },
            async (id, token) =>
            {
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(id), id, cancellationToken: token);
                if (row.HasValue) found[id] = Json.Deserialize<TileHistory>(row.Value!.GetString("HistoryJson"), $"sample ledger row {id}");
            });
        return new Dictionary<string, TileHistory>(found);
    }

    public async Task PutAsync(IEnumerable<TileHistory> histories, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        foreach (var partition in histories.GroupBy(h => PartitionOf(h.TileId)))
            foreach (var batch in partition.DistinctBy(h => h.TileId).Chunk(MaxBatch))
                await _table.SubmitTransactionAsync(batch.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(partition.Key, h.TileId) { ["HistoryJson"] = Json.Serialize(h, indented: false) })), ct);
    }

    public async Task<bool> IsCycleMergedAsync(string cycleId, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        return (await _table.GetEntityIfExistsAsync<TableEntity>(MergedPartition, RowKeyOf(cycleId), cancellationToken: ct)).HasValue;
    }

    public async Task MarkCycleMergedAsync(string cycleId, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        await _table.UpsertEntityAsync(new TableEntity(MergedPartition, RowKeyOf(cycleId)) { ["CycleId"] = cycleId }, TableUpdateMode.Replace, ct);
    }

    private static string PartitionOf(string tileId) => tileId.Length >= 2 ? tileId[..2].ToLowerInvariant() : tileId;

    /// <summary>Cycle ids are project names plus a number; hashed, since row keys refuse '/', '\', '#' and '?'.</summary>
    private static string RowKeyOf(string cycleId) => Core.Tiles.ContentHash.Of(cycleId);
}
