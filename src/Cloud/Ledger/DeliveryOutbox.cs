using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Cloud.Ledger;

/// <summary>
/// Messages owed for one delivered blob version (name + ETag), written right after the ledger changed and deleted once
/// sent. Only the delivery that changes the ledger learns what changed; if sending then fails, the redelivery finds the
/// message here instead of losing it (the receiver ignores a message it already has).
/// </summary>
public sealed class DeliveryOutbox
{
    private const string Partition = "outbox";
    private readonly TableClient _table;
    private readonly TablesOnFirstUse _created;

    public DeliveryOutbox(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _table = service.GetTableClient(tablePrefix + "IngestFailures");
        _created = new TablesOnFirstUse(_table);
    }

    public async Task PutAsync(string blobName, string version, string message, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        await _table.UpsertEntityAsync(new TableEntity(Partition, RowKeyOf(blobName, version))
        {
            ["BlobName"] = blobName, ["Version"] = version, ["Message"] = message,
        }, TableUpdateMode.Replace, ct);
    }

    public async Task<string?> GetAsync(string blobName, string version, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKeyOf(blobName, version), cancellationToken: ct);
        return row.HasValue ? row.Value!.GetString("Message") : null;
    }

    public async Task DeleteAsync(string blobName, string version, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        await _table.DeleteEntityAsync(Partition, RowKeyOf(blobName, version), cancellationToken: ct);
    }

    private static string RowKeyOf(string blobName, string version) => ContentHash.Of($"{blobName}\n{version}");
}
