using Azure;
using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Cloud.Cycles;

/// <summary>
/// Cycle records and the decision log on Table Storage. <c>{prefix}Cycles</c>: partition = project, row = cycle id,
/// the record as JSON (upsert). <c>{prefix}Decisions</c>: partition = project, row = decision time (sortable ticks)
/// plus a hash of the decision, so a retried append of the same decision writes the same row once.
/// </summary>
public sealed class TableCycleStore : ICycleStore
{
    private readonly TableClient _cycles;
    private readonly TableClient _decisions;
    private readonly TablesOnFirstUse _created;

    public TableCycleStore(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _cycles = service.GetTableClient(tablePrefix + "Cycles");
        _decisions = service.GetTableClient(tablePrefix + "Decisions");
        _created = new TablesOnFirstUse(_cycles, _decisions);
    }

    public async Task UpsertAsync(CycleRecord record, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        await _cycles.UpsertEntityAsync(new TableEntity(record.Project, record.Id)
        {
            ["StartedAt"] = record.StartedAt,
            ["Status"] = record.Status.ToString(),
            ["RecordJson"] = Json.Serialize(record, indented: false),
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<CycleRecord?> GetAsync(string cycleId, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        await foreach (var e in _cycles.QueryAsync<TableEntity>(e => e.RowKey == cycleId, maxPerPage: 1, cancellationToken: ct))
            return ToRecord(e);
        return null;
    }

    public async Task<IReadOnlyList<CycleRecord>> ListAsync(string project, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var records = new List<CycleRecord>();
        await foreach (var e in _cycles.QueryAsync<TableEntity>(e => e.PartitionKey == project, cancellationToken: ct))
            records.Add(ToRecord(e));
        return [.. records.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    public async Task AppendDecisionAsync(DecisionRecord decision, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        string json = Json.Serialize(decision, indented: false);
        string row = $"{decision.At.UtcTicks:D19}-{ContentHash.Of(json)[..16]}";
        try
        {
            await _decisions.AddEntityAsync(new TableEntity(decision.Project, row) { ["DecisionJson"] = json }, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The same decision appended by a retried activity: already in the log.
        }
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListDecisionsAsync(string project, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var decisions = new List<DecisionRecord>();
        // Row keys start with the time's ticks, so the table's own order is oldest first.
        await foreach (var e in _decisions.QueryAsync<TableEntity>(e => e.PartitionKey == project, cancellationToken: ct))
            decisions.Add(Json.Deserialize<DecisionRecord>(e.GetString("DecisionJson"), $"decision {e.RowKey} of {project}"));
        return decisions;
    }

    private static CycleRecord ToRecord(TableEntity e) => Json.Deserialize<CycleRecord>(e.GetString("RecordJson"), $"cycle record {e.RowKey}");
}
