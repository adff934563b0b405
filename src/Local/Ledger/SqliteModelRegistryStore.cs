using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;

namespace AutoRetrain.Local.Ledger;

/// <summary>
/// Model versions and the champion pointer in SQLite. The champion row carries a version number as its ETag,
/// and the update is conditional on it, so two cycles can never both move the pointer.
/// </summary>
public sealed class SqliteModelRegistryStore : IModelRegistryStore
{
    private readonly SqliteDatabase _db;

    public SqliteModelRegistryStore(SqliteDatabase db)
    {
        _db = db;
        _db.Execute("""
            CREATE TABLE IF NOT EXISTS model_versions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, version_json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS champion (one INTEGER PRIMARY KEY CHECK (one = 1), etag INTEGER NOT NULL, state_json TEXT NOT NULL);
            """);
    }

    public Task<bool> TryAddVersionAsync(ModelVersion version, CancellationToken ct = default) =>
        Task.FromResult(_db.Execute("INSERT OR IGNORE INTO model_versions (id, version_json) VALUES ($id, $json)",
            ("$id", version.Id), ("$json", Json.Serialize(version, indented: false))) == 1);

    public Task<ModelVersion?> GetVersionAsync(string modelId, CancellationToken ct = default) =>
        Task.FromResult(_db.Query("SELECT version_json FROM model_versions WHERE id = $id",
            r => Json.Deserialize<ModelVersion>(r.GetString(0), "model registry"), ("$id", modelId)).SingleOrDefault());

    public Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ModelVersion>>(_db.Query("SELECT version_json FROM model_versions ORDER BY seq",
            r => Json.Deserialize<ModelVersion>(r.GetString(0), "model registry")));

    public Task<ChampionState> GetChampionAsync(CancellationToken ct = default) =>
        Task.FromResult(_db.Query("SELECT etag, state_json FROM champion WHERE one = 1",
            r => Json.Deserialize<ChampionState>(r.GetString(1), "champion") with { ETag = r.GetInt64(0).ToString() })
            .SingleOrDefault() ?? ChampionState.None);

    public Task<string?> TrySetChampionAsync(ChampionState next, string? expectedETag, CancellationToken ct = default)
    {
        string json = Json.Serialize(next with { ETag = null }, indented: false);
        int changed = expectedETag is null
            ? _db.Execute("INSERT OR IGNORE INTO champion (one, etag, state_json) VALUES (1, 1, $json)", ("$json", json))
            : _db.Execute("UPDATE champion SET etag = etag + 1, state_json = $json WHERE one = 1 AND etag = $expected",
                ("$json", json), ("$expected", long.TryParse(expectedETag, out long e) ? e : -1));
        if (changed != 1) return Task.FromResult<string?>(null);
        return Task.FromResult<string?>(_db.Query("SELECT etag FROM champion WHERE one = 1", r => r.GetInt64(0).ToString()).Single());
    }
}
