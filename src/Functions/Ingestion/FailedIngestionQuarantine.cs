using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>The reason file beside a blob that was quarantined because its ingestion kept failing.</summary>
public sealed record FailedIngestionReason(string SourceName, string Sha256, long SizeBytes, DateTimeOffset At, string Code,
    int Attempts, string LastError)
{
    public const string IngestionFailedCode = "IngestionFailed";

    /// <summary>The Functions host gave up on the blob event after its own retries (a message in the poison queue).</summary>
    public const string PoisonMessageCode = "PoisonMessage";

    /// <summary>The tile was ingested but the signal it owed the cycle manager could not be sent (an outbox row).</summary>
    public const string SignalUndeliveredCode = "SignalUndelivered";
}

/// <summary>
/// Moves a blob whose ingestion failed <see cref="PipelineOptions.MaxIngestAttempts"/> times to quarantine, with the
/// same layout as the ingestion service's own quarantine (<c>&lt;sha16&gt;/&lt;name&gt;</c> plus <c>.reason.json</c>) and a
/// ledger entry, so the status API counts it under code <c>IngestionFailed</c>. The repair timer records the other
/// ways an ingestion can end badly here too (<see cref="FailedIngestionReason.PoisonMessageCode"/>,
/// <see cref="FailedIngestionReason.SignalUndeliveredCode"/>), with or without the blob's bytes.
/// </summary>
public sealed class FailedIngestionQuarantine(IArtifactStore store, ITileLedger ledger, IClock clock)
{
    public Task<string> QuarantineAsync(string sourceName, ReadOnlyMemory<byte> content, int attempts, string lastError,
        CancellationToken ct) =>
        RecordAsync(sourceName, FailedIngestionReason.IngestionFailedCode, content, null, attempts, lastError,
            $"ingestion failed {attempts} times; last error: {lastError}", ct);

    /// <summary>
    /// Records a failure under <paramref name="code"/>: the reason file, the blob's bytes when there are any, and the
    /// ledger entry. Without bytes the key is made from <paramref name="identity"/> (what names the failure uniquely).
    /// </summary>
    public async Task<string> RecordAsync(string sourceName, string code, ReadOnlyMemory<byte>? content, string? identity, int attempts,
        string lastError, string detail, CancellationToken ct)
    {
        string sha = content is { } bytes ? ContentHash.Of(bytes.Span) : ContentHash.Of(identity ?? $"{code}\n{sourceName}\n{lastError}");
        string key = IngestionService.QuarantineKey(sha, sourceName);
        var now = clock.UtcNow;
        var reason = new FailedIngestionReason(StoreKeys.Printable(sourceName), sha, content?.Length ?? 0, now, code, attempts, lastError);
        await store.PutAsync(Containers.Quarantine, key + QuarantineReason.Suffix, Encoding.UTF8.GetBytes(Json.Serialize(reason)),
            overwrite: false, ct);
        if (content is { } kept) await store.PutAsync(Containers.Quarantine, key, kept, overwrite: false, ct);
        await ledger.RecordQuarantineAsync(new QuarantineEntry(key, reason.SourceName, code, detail, now), ct);
        return key;
    }
}
