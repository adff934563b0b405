using Azure;
using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Cloud.Ledger;

/// <summary>
/// Counts failed deliveries of one incoming blob version (name + ETag), so that a blob that keeps failing can be
/// moved to quarantine instead of being retried for ever. The count is an ETag-conditional read-increment-write.
/// </summary>
public sealed class IngestionFailureCounter
{
    private const string Partition = "failures";
    private readonly TableClient _table;
    private readonly TablesOnFirstUse _created;

    public IngestionFailureCounter(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _table = service.GetTableClient(tablePrefix + "IngestFailures");
        _created = new TablesOnFirstUse(_table);
    }

    /// <summary>Records one more failure and returns how many this blob version has had.</summary>
    public async Task<int> RecordFailureAsync(string blobName, string version, string error, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        string rowKey = ContentHash.Of($"{blobName}\n{version}");
        while (true)
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: ct);
            try
            {
                if (!current.HasValue)
                {
                    await _table.AddEntityAsync(new TableEntity(Partition, rowKey)
                    {
                        ["BlobName"] = blobName, ["Version"] = version, ["Failures"] = 1, ["LastError"] = Truncate(error),
                    }, ct);
                    return 1;
                }
                var entity = current.Value!;
                int failures = (entity.GetInt32("Failures") ?? 0) + 1;
                entity["Failures"] = failures;
                entity["LastError"] = Truncate(error);
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct);
                return failures;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // A concurrent delivery of the same blob counted first: count again on top of it.
            }
        }
    }

    /// <summary>Table strings are limited to 64 KiB; the start of an error says what matters.</summary>
    private static string Truncate(string s) => s.Length <= 4000 ? s : s[..4000];
}
