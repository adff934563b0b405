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

    /// <summary>The rows written before <paramref name="before"/>: their send failed, or its delivery is still running.</summary>
    public async Task<IReadOnlyList<OwedMessage>> ListAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var rows = new List<OwedMessage>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct))
        {
            if (row.Timestamp is { } written && written >= before) continue;
            rows.Add(new OwedMessage(row.GetString("BlobName") ?? "", row.GetString("Version") ?? "", row.GetString("Message") ?? "",
                row.GetInt32("SendFailures") ?? 0, row.GetString("LastError")));
        }
        return rows;
    }

    /// <summary>Counts one more failed send of the row and returns how many it has had.</summary>
    public async Task<int> RecordSendFailureAsync(OwedMessage owed, string error, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        int failures = owed.SendFailures + 1;
        await _table.UpsertEntityAsync(new TableEntity(Partition, RowKeyOf(owed.BlobName, owed.Version))
        {
            ["SendFailures"] = failures, ["LastError"] = error.Length <= 4000 ? error : error[..4000],
        }, TableUpdateMode.Merge, ct);
        return failures;
    }

    private static string RowKeyOf(string blobName, string version) => ContentHash.Of($"{blobName}\n{version}");
}

/// <summary>One outbox row: the message owed for a blob version, and how often re-sending it has failed.</summary>
public sealed record OwedMessage(string BlobName, string Version, string Message, int SendFailures, string? LastError);
