using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.SampleLedger;

namespace AutoRetrain.Local.Ledger;

/// <summary>The per-tile training histories kept across cycles, in SQLite.</summary>
public sealed class SqliteSampleLedgerStore : ISampleLedgerStore
{
    private readonly SqliteDatabase _db;

    public SqliteSampleLedgerStore(SqliteDatabase db)
    {
        _db = db;
        _db.Execute("""
            CREATE TABLE IF NOT EXISTS tile_histories (tile_id TEXT PRIMARY KEY, history_json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS merged_cycles (cycle_id TEXT PRIMARY KEY);
            """);
    }

    public Task<IReadOnlyDictionary<string, TileHistory>> GetAsync(IEnumerable<string> tileIds, CancellationToken ct = default)
    {
        var wanted = tileIds.ToHashSet(StringComparer.Ordinal);
        // One scan beats thousands of point queries at the sizes a local workspace holds.
        var all = _db.Query("SELECT tile_id, history_json FROM tile_histories", r => (Id: r.GetString(0), Json: r.GetString(1)));
        return Task.FromResult<IReadOnlyDictionary<string, TileHistory>>(all.Where(row => wanted.Contains(row.Id))
            .ToDictionary(row => row.Id, row => Json.Deserialize<TileHistory>(row.Json, "sample ledger"), StringComparer.Ordinal));
    }

    public Task PutAsync(IEnumerable<TileHistory> histories, CancellationToken ct = default)
    {
        _db.InTransaction(execute =>
        {
            foreach (var h in histories)
                execute("""
                    INSERT INTO tile_histories (tile_id, history_json) VALUES ($id, $json)
                    ON CONFLICT(tile_id) DO UPDATE SET history_json = excluded.history_json
                    """, [("$id", h.TileId), ("$json", Json.Serialize(h, indented: false))]);
        });
        return Task.CompletedTask;
    }

    public Task<bool> IsCycleMergedAsync(string cycleId, CancellationToken ct = default) =>
        Task.FromResult(_db.Query("SELECT 1 FROM merged_cycles WHERE cycle_id = $id", _ => true, ("$id", cycleId)).Count > 0);

    public Task MarkCycleMergedAsync(string cycleId, CancellationToken ct = default)
    {
        _db.Execute("INSERT OR IGNORE INTO merged_cycles (cycle_id) VALUES ($id)", ("$id", cycleId));
        return Task.CompletedTask;
    }
}
