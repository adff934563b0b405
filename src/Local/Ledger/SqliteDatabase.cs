using Microsoft.Data.Sqlite;

namespace AutoRetrain.Local.Ledger;

/// <summary>
/// The workspace's SQLite file, shared by the ledgers and stores. One open connection per process, used under a
/// lock: SQLite serialises writers anyway, and a long-lived connection avoids re-opening and re-configuring one
/// for every statement (the ingestion hot path makes several per file). WAL mode lets other processes
/// (<c>autoretrain status</c>) read while this one writes.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private static readonly Dictionary<string, SqliteDatabase> Shared = new(StringComparer.Ordinal);
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private SqliteDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        _connection.Open();
        // NORMAL is durable enough for state that can be rebuilt from the store, and much faster than FULL in WAL mode.
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;");
    }

    /// <summary>The one instance for this file in this process.</summary>
    public static SqliteDatabase For(string path)
    {
        string full = Path.GetFullPath(path);
        lock (Shared)
        {
            if (!Shared.TryGetValue(full, out var db) || db._disposed) Shared[full] = db = new SqliteDatabase(full);
            return db;
        }
    }

    private bool _disposed;

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read()) rows.Add(map(reader));
            return rows;
        }
    }

    /// <summary>Runs several statements as one transaction.</summary>
    public void InTransaction(Action<Func<string, (string Name, object? Value)[], int>> work)
    {
        lock (_gate)
        {
            using (var begin = Command("BEGIN IMMEDIATE", [])) begin.ExecuteNonQuery();
            try
            {
                work((sql, parameters) =>
                {
                    using var command = Command(sql, parameters);
                    return command.ExecuteNonQuery();
                });
                using var commit = Command("COMMIT", []);
                commit.ExecuteNonQuery();
            }
            catch
            {
                using var rollback = Command("ROLLBACK", []);
                rollback.ExecuteNonQuery();
                throw;
            }
        }
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _connection.Dispose();
        }
    }

    /// <summary>Closes every shared connection (tests deleting their folders, end of a run).</summary>
    public static void CloseAll()
    {
        lock (Shared)
        {
            foreach (var db in Shared.Values) db.Dispose();
            Shared.Clear();
        }
    }
}
