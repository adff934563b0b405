using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using Microsoft.Data.Sqlite;

namespace AutoRetrain.Local.Ledger;

/// <summary>Cycle records in the same SQLite file as the tile ledger, one JSON document per cycle.</summary>
public sealed class SqliteCycleStore : ICycleStore
{
    private readonly string _connectionString;

    public SqliteCycleStore(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS cycles (
                id TEXT PRIMARY KEY,
                project TEXT NOT NULL,
                started_at TEXT NOT NULL,
                status TEXT NOT NULL,
                record_json TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS cycles_project ON cycles(project, started_at);
            """;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public Task UpsertAsync(CycleRecord record, CancellationToken ct = default)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO cycles (id, project, started_at, status, record_json) VALUES ($id, $project, $started, $status, $json)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, record_json = excluded.record_json
            """;
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$project", record.Project);
        command.Parameters.AddWithValue("$started", record.StartedAt.ToString("O"));
        command.Parameters.AddWithValue("$status", record.Status.ToString());
        command.Parameters.AddWithValue("$json", Json.Serialize(record, indented: false));
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<CycleRecord?> GetAsync(string cycleId, CancellationToken ct = default) =>
        Task.FromResult(Query("WHERE id = $p", cycleId).SingleOrDefault());

    public Task<IReadOnlyList<CycleRecord>> ListAsync(string project, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<CycleRecord>>(Query("WHERE project = $p ORDER BY started_at, id", project));

    private List<CycleRecord> Query(string where, string parameter)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT record_json FROM cycles {where}";
        command.Parameters.AddWithValue("$p", parameter);
        using var reader = command.ExecuteReader();
        var list = new List<CycleRecord>();
        while (reader.Read()) list.Add(Json.Deserialize<CycleRecord>(reader.GetString(0), "cycle store"));
        return list;
    }
}
