using AutoRetrain.Core;
using AutoRetrain.Core.Imaging;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using Microsoft.Data.Sqlite;

namespace AutoRetrain.Local.Ledger;

/// <summary>
/// The tile ledger in one SQLite file. Writes are single conditional statements
/// (INSERT OR IGNORE, UPDATE ... WHERE hash differs), so concurrent and repeated deliveries
/// converge on one row per tile. WAL mode lets the status command read while ingestion writes.
/// </summary>
public sealed class SqliteTileLedger : ITileLedger
{
    private readonly string _connectionString;

    public SqliteTileLedger(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS tiles (
                id TEXT PRIMARY KEY,
                source_name TEXT NOT NULL,
                pairing_key TEXT NOT NULL,
                image_key TEXT NOT NULL,
                image_json TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                arrived_at TEXT NOT NULL,
                split TEXT NOT NULL,
                label_hash TEXT,
                label_key TEXT,
                labelled_at TEXT,
                class_counts_json TEXT NOT NULL DEFAULT '{}',
                seq INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS tiles_pairing ON tiles(pairing_key);
            CREATE TABLE IF NOT EXISTS pending_labels (
                pairing_key TEXT PRIMARY KEY,
                label_hash TEXT NOT NULL,
                label_key TEXT NOT NULL,
                source_name TEXT NOT NULL,
                arrived_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS quarantine (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                source_name TEXT NOT NULL,
                code TEXT NOT NULL,
                message TEXT NOT NULL,
                at TEXT NOT NULL
            );
            """);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Durable enough for a ledger that can be rebuilt from the store; much faster than FULL in WAL mode.
        Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    private const string TileColumns =
        "id, source_name, image_key, image_json, size_bytes, arrived_at, split, label_hash, label_key, labelled_at, class_counts_json";

    public Task<(TileRecord Tile, bool Added)> AddTileAsync(TileRecord tile, CancellationToken ct = default)
    {
        using var connection = Open();
        int added = Execute(connection, """
            INSERT OR IGNORE INTO tiles (id, source_name, pairing_key, image_key, image_json, size_bytes, arrived_at, split,
                                         label_hash, label_key, labelled_at, class_counts_json, seq)
            VALUES ($id, $source, $pairing, $imageKey, $image, $size, $arrived, $split, $labelHash, $labelKey, $labelledAt, $counts,
                    (SELECT COALESCE(MAX(seq), 0) + 1 FROM tiles))
            """,
            ("$id", tile.Id.Value), ("$source", tile.SourceName), ("$pairing", tile.PairingKey), ("$imageKey", tile.ImageKey),
            ("$image", Json.Serialize(tile.Image, indented: false)), ("$size", tile.SizeBytes), ("$arrived", tile.ArrivedAt.ToString("O")),
            ("$split", tile.Split.ToString()), ("$labelHash", tile.LabelHash), ("$labelKey", tile.LabelKey),
            ("$labelledAt", tile.LabelledAt?.ToString("O")), ("$counts", Json.Serialize(tile.ClassCounts, indented: false)));
        var stored = QueryTiles(connection, "WHERE id = $id", ("$id", tile.Id.Value)).Single();
        return Task.FromResult((stored, added == 1));
    }

    public Task<TileRecord?> GetTileAsync(TileId id, CancellationToken ct = default)
    {
        using var connection = Open();
        return Task.FromResult(QueryTiles(connection, "WHERE id = $id", ("$id", id.Value)).SingleOrDefault());
    }

    public Task<IReadOnlyList<TileRecord>> FindByPairingKeyAsync(string pairingKey, CancellationToken ct = default)
    {
        using var connection = Open();
        return Task.FromResult<IReadOnlyList<TileRecord>>(
            QueryTiles(connection, "WHERE pairing_key = $key ORDER BY seq DESC", ("$key", pairingKey)));
    }

    public Task<bool> SetLabelsAsync(TileId id, string labelHash, string labelKey, IReadOnlyDictionary<string, int> classCounts,
        DateTimeOffset at, CancellationToken ct = default)
    {
        using var connection = Open();
        int changed = Execute(connection, """
            UPDATE tiles SET label_hash = $hash, label_key = $key, labelled_at = $at, class_counts_json = $counts
            WHERE id = $id AND (label_hash IS NULL OR label_hash <> $hash)
            """,
            ("$id", id.Value), ("$hash", labelHash), ("$key", labelKey), ("$at", at.ToString("O")),
            ("$counts", Json.Serialize(classCounts, indented: false)));
        return Task.FromResult(changed == 1);
    }

    public Task PutPendingLabelAsync(PendingLabel label, CancellationToken ct = default)
    {
        using var connection = Open();
        Execute(connection, """
            INSERT INTO pending_labels (pairing_key, label_hash, label_key, source_name, arrived_at)
            VALUES ($key, $hash, $labelKey, $source, $at)
            ON CONFLICT(pairing_key) DO UPDATE SET label_hash = excluded.label_hash, label_key = excluded.label_key,
                source_name = excluded.source_name, arrived_at = excluded.arrived_at
            """,
            ("$key", label.PairingKey), ("$hash", label.LabelHash), ("$labelKey", label.LabelKey),
            ("$source", label.SourceName), ("$at", label.ArrivedAt.ToString("O")));
        return Task.CompletedTask;
    }

    public Task<PendingLabel?> GetPendingLabelAsync(string pairingKey, CancellationToken ct = default)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pairing_key, label_hash, label_key, source_name, arrived_at FROM pending_labels WHERE pairing_key = $key";
        command.Parameters.AddWithValue("$key", pairingKey);
        using var reader = command.ExecuteReader();
        PendingLabel? result = reader.Read()
            ? new PendingLabel(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture))
            : null;
        return Task.FromResult(result);
    }

    public Task RemovePendingLabelAsync(string pairingKey, string labelHash, CancellationToken ct = default)
    {
        using var connection = Open();
        Execute(connection, "DELETE FROM pending_labels WHERE pairing_key = $key AND label_hash = $hash",
            ("$key", pairingKey), ("$hash", labelHash));
        return Task.CompletedTask;
    }

    public Task RecordQuarantineAsync(QuarantineEntry entry, CancellationToken ct = default)
    {
        using var connection = Open();
        // Keyed by the quarantine blob key, which is content-addressed: a redelivered bad file counts once.
        Execute(connection, """
            INSERT OR IGNORE INTO quarantine (key, source_name, code, message, at) VALUES ($key, $source, $code, $message, $at)
            """,
            ("$key", entry.Key), ("$source", entry.SourceName), ("$code", entry.Code), ("$message", entry.Message),
            ("$at", entry.At.ToString("O")));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TileRecord>> ListTilesAsync(CancellationToken ct = default)
    {
        using var connection = Open();
        return Task.FromResult<IReadOnlyList<TileRecord>>(QueryTiles(connection, "ORDER BY seq"));
    }

    public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(CancellationToken ct = default)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, source_name, code, message, at FROM quarantine ORDER BY seq";
        using var reader = command.ExecuteReader();
        var list = new List<QuarantineEntry>();
        while (reader.Read())
            list.Add(new QuarantineEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture)));
        return Task.FromResult<IReadOnlyList<QuarantineEntry>>(list);
    }

    public Task<LedgerCounts> GetCountsAsync(CancellationToken ct = default)
    {
        using var connection = Open();
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
        var byCode = new Dictionary<string, int>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT code, COUNT(*) FROM quarantine GROUP BY code ORDER BY code";
            using var reader = command.ExecuteReader();
            while (reader.Read()) byCode[reader.GetString(0)] = reader.GetInt32(1);
        }
        return Task.FromResult(new LedgerCounts(
            (int)Scalar("SELECT COUNT(*) FROM tiles"),
            (int)Scalar("SELECT COUNT(*) FROM tiles WHERE label_hash IS NOT NULL"),
            (int)Scalar("SELECT COUNT(*) FROM pending_labels"),
            (int)Scalar("SELECT COUNT(*) FROM quarantine"),
            byCode));
    }

    private static List<TileRecord> QueryTiles(SqliteConnection connection, string where, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TileColumns} FROM tiles {where}";
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var tiles = new List<TileRecord>();
        while (reader.Read())
        {
            string? labelHash = reader.IsDBNull(7) ? null : reader.GetString(7);
            tiles.Add(new TileRecord
            {
                Id = new TileId(reader.GetString(0)),
                SourceName = reader.GetString(1),
                ImageKey = reader.GetString(2),
                Image = Json.Deserialize<ImageInfo>(reader.GetString(3), "tile ledger"),
                SizeBytes = reader.GetInt64(4),
                ArrivedAt = ParseTime(reader.GetString(5)),
                Split = Enum.Parse<Split>(reader.GetString(6)),
                LabelState = labelHash is null ? LabelState.Unlabelled : LabelState.Labelled,
                LabelHash = labelHash,
                LabelKey = reader.IsDBNull(8) ? null : reader.GetString(8),
                LabelledAt = reader.IsDBNull(9) ? null : ParseTime(reader.GetString(9)),
                ClassCounts = Json.Deserialize<Dictionary<string, int>>(reader.GetString(10), "tile ledger"),
            });
        }
        return tiles;
    }

    private static DateTimeOffset ParseTime(string s) =>
        DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
}
