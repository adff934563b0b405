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
}

/// <summary>
/// Moves a blob whose ingestion failed <see cref="PipelineOptions.MaxIngestAttempts"/> times to quarantine, with the
/// same layout as the ingestion service's own quarantine (<c>&lt;sha16&gt;/&lt;name&gt;</c> plus <c>.reason.json</c>) and a
/// ledger entry, so the status API counts it under code <c>IngestionFailed</c>.
/// </summary>
public sealed class FailedIngestionQuarantine(IArtifactStore store, ITileLedger ledger, IClock clock)
{
    public async Task<string> QuarantineAsync(string sourceName, ReadOnlyMemory<byte> content, int attempts, string lastError,
        CancellationToken ct)
    {
        string sha = ContentHash.Of(content.Span);
        string key = IngestionService.QuarantineKey(sha, sourceName);
        var now = clock.UtcNow;
        var reason = new FailedIngestionReason(StoreKeys.Printable(sourceName), sha, content.Length, now,
            FailedIngestionReason.IngestionFailedCode, attempts, lastError);
        await store.PutAsync(Containers.Quarantine, key + QuarantineReason.Suffix, Encoding.UTF8.GetBytes(Json.Serialize(reason)),
            overwrite: false, ct);
        await store.PutAsync(Containers.Quarantine, key, content, overwrite: false, ct);
        await ledger.RecordQuarantineAsync(new QuarantineEntry(key, reason.SourceName, reason.Code,
            $"ingestion failed {attempts} times; last error: {lastError}", now), ct);
        return key;
    }
}
