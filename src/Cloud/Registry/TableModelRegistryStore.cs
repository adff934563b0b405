using Azure;
using Azure.Data.Tables;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;

namespace AutoRetrain.Cloud.Registry;

/// <summary>
/// Model versions and the champion pointer on Table Storage (<c>{prefix}Models</c>). Versions are insert-only rows
/// (partition <c>version</c>); the champion is one row (partition <c>champion</c>) replaced only with the ETag the
/// caller read (If-Match), or created only when absent, so two cycles can never both promote.
/// </summary>
public sealed class TableModelRegistryStore : IModelRegistryStore
{
    private const string VersionPartition = "version";
    private const string ChampionPartition = "champion";
    private const string ChampionRow = "current";

    private readonly TableClient _table;
    private readonly TablesOnFirstUse _created;

    public TableModelRegistryStore(TableServiceClient service, string tablePrefix = "AutoRetrain")
    {
        _table = service.GetTableClient(tablePrefix + "Models");
        _created = new TablesOnFirstUse(_table);
    }

    public async Task<bool> TryAddVersionAsync(ModelVersion version, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        try
        {
            await _table.AddEntityAsync(new TableEntity(VersionPartition, version.Id)
            {
                ["CreatedAt"] = version.CreatedAt,
                ["VersionJson"] = Json.Serialize(version, indented: false),
            }, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<ModelVersion?> GetVersionAsync(string modelId, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(VersionPartition, modelId, cancellationToken: ct);
        return response.HasValue ? ToVersion(response.Value!) : null;
    }

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var versions = new List<ModelVersion>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == VersionPartition, cancellationToken: ct))
            versions.Add(ToVersion(e));
        return [.. versions.OrderBy(v => v.CreatedAt).ThenBy(v => v.Id, StringComparer.Ordinal)];
    }

    public async Task<ChampionState> GetChampionAsync(CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ChampionPartition, ChampionRow, cancellationToken: ct);
        if (!response.HasValue) return ChampionState.None;
        var e = response.Value!;
        return Json.Deserialize<ChampionState>(e.GetString("StateJson"), "champion pointer") with { ETag = e.ETag.ToString() };
    }

    public async Task<string?> TrySetChampionAsync(ChampionState next, string? expectedETag, CancellationToken ct = default)
    {
        await _created.ReadyAsync(ct);
        var entity = new TableEntity(ChampionPartition, ChampionRow)
        {
            ["ModelId"] = next.ModelId,
            ["StateJson"] = Json.Serialize(next with { ETag = null }, indented: false),
        };
        try
        {
            var response = expectedETag is null
                ? await _table.AddEntityAsync(entity, ct)
                : await _table.UpdateEntityAsync(entity, new ETag(expectedETag), TableUpdateMode.Replace, ct);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            // 409: someone created the pointer first; 412: someone moved it since our read; 404: it vanished.
            return null;
        }
    }

    private static ModelVersion ToVersion(TableEntity e) => Json.Deserialize<ModelVersion>(e.GetString("VersionJson"), $"model version {e.RowKey}");
}
