using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Orchestration.Arrival;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>
/// What happens to one blob in <c>incoming</c>: read it, run the ingestion service (the same one the local folder
/// watcher runs), tell the project's cycle manager about newly labelled tiles (starting the manager when absent;
/// the signal is kept in an outbox until sent, so a failed send is repeated by the redelivery), then remove the blob (its bytes now live in <c>datasets</c> or <c>quarantine</c>). A delivery that throws is
/// counted; after <see cref="PipelineOptions.MaxIngestAttempts"/> failures the blob goes to quarantine with the
/// last error as its reason instead of being retried again.
/// </summary>
public sealed class BlobIngestionHandler(
    IngestionService ingestion,
    IngestionFailureCounter failures,
    DeliveryOutbox outbox,
    FailedIngestionQuarantine failedQuarantine,
    PipelineOptions options,
    PipelineMetrics metrics,
    ILogger<BlobIngestionHandler> logger)
{
    public async Task<IngestOutcome?> HandleAsync(BlobClient blob, DurableTaskClient durable, CancellationToken ct)
    {
        using var trace = PipelineMetrics.Traces.StartActivity("IngestBlob");
        trace?.SetTag("blob.name", blob.Name);
        BinaryData content;
        ETag version;
        try
        {
            var download = await blob.DownloadContentAsync(ct);
            content = download.Value.Content;
            version = download.Value.Details.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A redelivered event for a blob an earlier delivery already ingested and removed.
            logger.LogBlobGone(blob.Name);
            return null;
        }

        // An earlier delivery changed the ledger but could not tell the manager: send what it owed, then finish.
        if (await outbox.GetAsync(blob.Name, version.ToString(), ct) is { } owed)
        {
            await SendOwedAsync(durable, blob.Name, version, Json.Deserialize<ManagerSignal>(owed, $"outbox of {blob.Name}"), ct);
            await DeleteIfUnchangedAsync(blob, version, ct);
            return null;
        }

        IngestOutcome outcome;
        try
        {
            outcome = await ingestion.IngestAsync(blob.Name, content.ToMemory(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            int attempts = await failures.RecordFailureAsync(blob.Name, version.ToString(), ex.Message, ct);
            if (attempts < options.MaxIngestAttempts) throw;
            string key = await failedQuarantine.QuarantineAsync(blob.Name, content.ToMemory(), attempts, ex.Message, ct);
            metrics.TileQuarantined(FailedIngestionReason.IngestionFailedCode);
            logger.LogIngestionGaveUp(blob.Name, attempts, key, ex.Message);
            await DeleteIfUnchangedAsync(blob, version, ct);
            return null;
        }

        Record(outcome);
        if (ArrivalNotifier.SignalFor([outcome]) is { } signal)
        {
            await outbox.PutAsync(blob.Name, version.ToString(), Json.Serialize(signal, indented: false), ct);
            await SendOwedAsync(durable, blob.Name, version, signal, ct);
        }
        await DeleteIfUnchangedAsync(blob, version, ct);
        trace?.SetTag("ingest.outcome", outcome.Kind.ToString());
        return outcome;
    }

    private void Record(IngestOutcome outcome)
    {
        logger.LogIngested(outcome.SourceName, outcome.Kind.ToString(), outcome.TileId?.Short ?? "");
        if (outcome.Kind == IngestKind.TileAdded) metrics.TileIngested();
        if (outcome.Kind == IngestKind.Quarantined)
            metrics.TileQuarantined(outcome.Problems is [var first, ..] ? first.Code.ToString() : "Unknown");
    }

    private async Task SendOwedAsync(DurableTaskClient durable, string blobName, ETag version, ManagerSignal signal, CancellationToken ct)
    {
        await ManagerSignals.Arrivals(durable, options).SendAsync(signal, ct);
        await outbox.DeleteAsync(blobName, version.ToString(), ct);
    }

    /// <summary>Removes the incoming blob unless it was overwritten meanwhile (a new version gets its own event).</summary>
    internal static async Task DeleteIfUnchangedAsync(BlobClient blob, ETag version, CancellationToken ct)
    {
        try
        {
            await blob.DeleteIfExistsAsync(conditions: new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = version },
                cancellationToken: ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
        }
    }
}

internal static partial class IngestionLogging
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Blob}: {Kind} {Tile}")]
    public static partial void LogIngested(this ILogger logger, string blob, string kind, string tile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob {Blob} is gone (already ingested by an earlier delivery)")]
    public static partial void LogBlobGone(this ILogger logger, string blob);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion of {Blob} failed {Attempts} times; moved to quarantine as {Key}: {Error}")]
    public static partial void LogIngestionGaveUp(this ILogger logger, string blob, int attempts, string key, string error);
}
