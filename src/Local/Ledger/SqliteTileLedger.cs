using AutoRetrain.Core;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using Microsoft.Data.Sqlite;

namespace AutoRetrain.Local.Ledger;

/// <summary>
/// The tile ledger in SQLite. Writes are single conditional statements (INSERT OR IGNORE, UPDATE ... WHERE the
/// hash differs), so concurrent and repeated deliveries converge on one row per tile.
/// </summary>
public sealed class SqliteTileLedger : ITileLedger
{
    private readonly SqliteDatabase _db;

    public SqliteTileLedger(string databasePath) : this(SqliteDatabase.For(databasePath)) { }

    public SqliteTileLedger(SqliteDatabase db)
    {
        _db = db;
        _db.Execute("""
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

    private const string TileColumns =
        "id, source_name, image_key, image_json, size_bytes, arrived_at, split, label_hash, label_key, labelled_at, class_counts_json";

    public Task<(TileRecord Tile, bool Added)> AddTileAsync(TileRecord tile, CancellationToken ct = default)
    {
        int added = _db.Execute("""
            INSERT OR IGNORE INTO tiles (id, source_name, pairing_key, image_key, image_json, size_bytes, arrived_at, split,
                                         label_hash, label_key, labelled_at, class_counts_json, seq)
            VALUES ($id, $source, $pairing, $imageKey, $image, $size, $arrived, $split, $labelHash, $labelKey, $labelledAt, $counts,
                    (SELECT COALESCE(MAX(seq), 0) + 1 FROM tiles))
            """,
            ("$id", tile.Id.Value), ("$source", tile.SourceName), ("$pairing", tile.PairingKey), ("$imageKey", tile.ImageKey),
            ("$image", Json.Serialize(tile.Image, indented: false)), ("$size", tile.SizeBytes), ("$arrived", tile.ArrivedAt.ToString("O")),
            ("$split", tile.Split.ToString()), ("$labelHash", tile.LabelHash), ("$labelKey", tile.LabelKey),
            ("$labelledAt", tile.LabelledAt?.ToString("O")), ("$counts", Json.Serialize(tile.ClassCounts, indented: false)));
        var stored = QueryTiles("WHERE id = $id", ("$id", tile.Id.Value)).Single();
        return Task.FromResult((stored, added == 1));
    }

    public Task<TileRecord?> GetTileAsync(TileId id, CancellationToken ct = default) =>
        Task.FromResult(QueryTiles("WHERE id = $id", ("$id", id.Value)).SingleOrDefault());

    public Task<IReadOnlyList<TileRecord>> FindByPairingKeyAsync(string pairingKey, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<TileRecord>>(QueryTiles("WHERE pairing_key = $key ORDER BY seq DESC", ("$key", pairingKey)));

    public Task<bool> SetLabelsAsync(TileId id, string labelHash, string labelKey, IReadOnlyDictionary<string, int> classCounts,
        DateTimeOffset at, CancellationToken ct = default)
    {
        int changed = _db.Execute("""
            UPDATE tiles SET label_hash = $hash, label_key = $key, labelled_at = $at, class_counts_json = $counts
            WHERE id = $id AND (label_hash IS NULL OR label_hash <> $hash)
            """,
            ("$id", id.Value), ("$hash", labelHash), ("$key", labelKey), ("$at", at.ToString("O")),
            ("$counts", Json.Serialize(classCounts, indented: false)));
        return Task.FromResult(changed == 1);
    }

    public Task PutPendingLabelAsync(PendingLabel label, CancellationToken ct = default)
    {
        _db.Execute("""
            INSERT INTO pending_labels (pairing_key, label_hash, label_key, source_name, arrived_at)
            VALUES ($key, $hash, $labelKey, $source, $at)
            ON CONFLICT(pairing_key) DO UPDATE SET label_hash = excluded.label_hash, label_key = excluded.label_key,
                source_name = excluded.source_name, arrived_at = excluded.arrived_at
            """,
            ("$key", label.PairingKey), ("$hash", label.LabelHash), ("$labelKey", label.LabelKey),
            ("$source", label.SourceName), ("$at", label.ArrivedAt.ToString("O")));
        return Task.CompletedTask;
    }

    public Task<PendingLabel?> GetPendingLabelAsync(string pairingKey, CancellationToken ct = default) =>
        Task.FromResult(_db.Query(
            "SELECT pairing_key, label_hash, label_key, source_name, arrived_at FROM pending_labels WHERE pairing_key = $key",
            r => new PendingLabel(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4))),
            ("$key", pairingKey)).SingleOrDefault());

    public Task RemovePendingLabelAsync(string pairingKey, string labelHash, CancellationToken ct = default)
    {
        _db.Execute("DELETE FROM pending_labels WHERE pairing_key = $key AND label_hash = $hash", ("$key", pairingKey), ("$hash", labelHash));
        return Task.CompletedTask;
    }

    public Task RecordQuarantineAsync(QuarantineEntry entry, CancellationToken ct = default)
    {
        // Keyed by the quarantine blob key, which is content-addressed: a redelivered bad file counts once.
        _db.Execute("INSERT OR IGNORE INTO quarantine (key, source_name, code, message, at) VALUES ($key, $source, $code, $message, $at)",
            ("$key", entry.Key), ("$source", entry.SourceName), ("$code", entry.Code), ("$message", entry.Message),
            ("$at", entry.At.ToString("O")));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TileRecord>> ListTilesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<TileRecord>>(QueryTiles("ORDER BY seq"));

    public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<QuarantineEntry>>(_db.Query("SELECT key, source_name, code, message, at FROM quarantine ORDER BY seq",
            r => new QuarantineEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)))));

    public Task<LedgerCounts> GetCountsAsync(CancellationToken ct = default)
    {
        int Count(string sql) => _db.Query(sql, r => r.GetInt32(0)).Single();
        var byCode = _db.Query("SELECT code, COUNT(*) FROM quarantine GROUP BY code ORDER BY code", r => (r.GetString(0), r.GetInt32(1)))
            .ToDictionary(x => x.Item1, x => x.Item2);
        return Task.FromResult(new LedgerCounts(
            Count("SELECT COUNT(*) FROM tiles"),
            Count("SELECT COUNT(*) FROM tiles WHERE label_hash IS NOT NULL"),
            Count("SELECT COUNT(*) FROM pending_labels"),
            Count("SELECT COUNT(*) FROM quarantine"),
            byCode));
    }

    private List<TileRecord> QueryTiles(string where, params (string Name, object? Value)[] parameters) =>
        _db.Query($"SELECT {TileColumns} FROM tiles {where}", ReadTile, parameters);

    private static TileRecord ReadTile(SqliteDataReader reader)
    {
        string? labelHash = reader.IsDBNull(7) ? null : reader.GetString(7);
        return new TileRecord
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
        };
    }

    private static DateTimeOffset ParseTime(string s) =>
        DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
}
