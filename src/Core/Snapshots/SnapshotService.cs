using System.Text;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Core.Snapshots;

/// <summary>Freezes the ledger's labelled tiles into a content-addressed snapshot manifest in the store.</summary>
public sealed class SnapshotService(IArtifactStore store, ITileLedger ledger, IClock? clock = null)
{
    /// <summary>Creates (or finds, when the same content was frozen before) the snapshot of all labelled tiles.</summary>
    public async Task<(Snapshot Snapshot, string Key)> FreezeAsync(CancellationToken ct = default)
    {
        var snapshot = Snapshot.Create(await ledger.ListTilesAsync(ct), (clock ?? SystemClock.Instance).UtcNow);
        string key = StoreKeys.Snapshot(snapshot.Id);
        // Same id, same content: the first manifest written stays (its CreatedAt is the version's birth).
        await store.PutAsync(Containers.Datasets, key, Encoding.UTF8.GetBytes(Json.Serialize(snapshot)), overwrite: false, ct);
        return (await LoadAsync(key, ct), key);
    }

    public async Task<Snapshot> LoadAsync(string key, CancellationToken ct = default)
    {
        var bytes = await store.GetAsync(Containers.Datasets, key, ct)
            ?? throw new AutoRetrainException($"snapshot {Containers.Datasets}/{key} does not exist.");
        var snapshot = Json.Deserialize<Snapshot>(Encoding.UTF8.GetString(bytes), $"{Containers.Datasets}/{key}");
        if (!snapshot.Verify())
            throw new AutoRetrainException($"snapshot {Containers.Datasets}/{key} has been altered: its entries do not hash to its id {snapshot.Id}.");
        return snapshot;
    }
}
