namespace AutoRetrain.Core.Ports;

/// <summary>The pipeline's containers; Blob containers in Azure, sub-folders locally.</summary>
public static class Containers
{
    public const string Incoming = "incoming";
    public const string Datasets = "datasets";
    public const string Quarantine = "quarantine";
    public const string Models = "models";
    public const string Runs = "runs";

    public static readonly IReadOnlyList<string> All = [Incoming, Datasets, Quarantine, Models, Runs];
}

/// <summary>
/// Blob-like file storage. Keys are '/'-separated relative paths; the adapters refuse keys that
/// could escape their container.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Writes a blob. With <paramref name="overwrite"/> false, an existing blob is left alone
    /// and false is returned (content-addressed writes are idempotent).</summary>
    Task<bool> PutAsync(string container, string key, ReadOnlyMemory<byte> content, bool overwrite = true, CancellationToken ct = default);

    Task<byte[]?> GetAsync(string container, string key, CancellationToken ct = default);

    Task<bool> ExistsAsync(string container, string key, CancellationToken ct = default);

    Task<bool> DeleteAsync(string container, string key, CancellationToken ct = default);

    IAsyncEnumerable<string> ListAsync(string container, string prefix = "", CancellationToken ct = default);
}

public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
