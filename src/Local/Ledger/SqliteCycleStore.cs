using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Local.Ledger;

/// <summary>Cycle records and the decision log, in the workspace's SQLite file, one JSON document per row.</summary>
public sealed class SqliteCycleStore : ICycleStore
{
    private readonly SqliteDatabase _db;

    public SqliteCycleStore(SqliteDatabase db)
    {
        _db = db;
        _db.Execute("""
            CREATE TABLE IF NOT EXISTS cycles (
                id TEXT PRIMARY KEY,
                project TEXT NOT NULL,
                started_at TEXT NOT NULL,
                status TEXT NOT NULL,
                record_json TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS cycles_project ON cycles(project, started_at);
            CREATE TABLE IF NOT EXISTS decisions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                project TEXT NOT NULL,
                decision_json TEXT NOT NULL
            );
            """);
    }

    public Task UpsertAsync(CycleRecord record, CancellationToken ct = default)
    {
        _db.Execute("""
            INSERT INTO cycles (id, project, started_at, status, record_json) VALUES ($id, $project, $started, $status, $json)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, record_json = excluded.record_json
            """,
            ("$id", record.Id), ("$project", record.Project), ("$started", record.StartedAt.ToString("O")),
            ("$status", record.Status.ToString()), ("$json", Json.Serialize(record, indented: false)));
        return Task.CompletedTask;
    }

    public Task<CycleRecord?> GetAsync(string cycleId, CancellationToken ct = default) =>
        Task.FromResult(_db.Query("SELECT record_json FROM cycles WHERE id = $p", ReadCycle, ("$p", cycleId)).SingleOrDefault());

    public Task<IReadOnlyList<CycleRecord>> ListAsync(string project, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CycleRecord>>(
            _db.Query("SELECT record_json FROM cycles WHERE project = $p ORDER BY started_at, id", ReadCycle, ("$p", project)));

    public Task AppendDecisionAsync(DecisionRecord decision, CancellationToken ct = default)
    {
        _db.Execute("INSERT INTO decisions (project, decision_json) VALUES ($project, $json)",
            ("$project", decision.Project), ("$json", Json.Serialize(decision, indented: false)));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DecisionRecord>> ListDecisionsAsync(string project, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<DecisionRecord>>(_db.Query("SELECT decision_json FROM decisions WHERE project = $p ORDER BY seq",
            r => Json.Deserialize<DecisionRecord>(r.GetString(0), "decision log"), ("$p", project)));

    private static CycleRecord ReadCycle(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        Json.Deserialize<CycleRecord>(r.GetString(0), "cycle store");
}
