using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using AutoRetrain.Cloud.Ledger;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>What one repair pass did.</summary>
public sealed record RepairReport(int Resent, int SendsFailed, int SignalsQuarantined, int PoisonQuarantined);

/// <summary>
/// What nothing else picks up after ingestion went wrong, run by the repair timer:
/// <list type="bullet">
/// <item>outbox rows older than <see cref="PipelineOptions.OutboxGrace"/> (their send failed and no redelivery came) are
/// sent again; after <see cref="PipelineOptions.MaxSignalAttempts"/> failed sends the row becomes a quarantine record
/// (code <c>SignalUndelivered</c>, the last error as reason) and is deleted (the tile itself is in the ledger, and a
/// manager that starts blank counts it again from the stores);</item>
/// <item>messages in the blob trigger's poison queue (events the Functions host gave up on after its own retries) become
/// quarantine records (code <c>PoisonMessage</c>; the blob's bytes move to <c>quarantine/</c> when it is still in
/// <c>incoming</c>) and are deleted.</item>
/// </list>
/// </summary>
public sealed class IngestionRepair(
    DeliveryOutbox outbox,
    QueueClient poisonQueue,
    BlobServiceClient blobs,
    FailedIngestionQuarantine quarantine,
    PipelineOptions options,
    IClock clock,
    ILogger<IngestionRepair> logger)
{
    /// <summary>The queue the blob extension moves a blob event to after its retries (in the triggering blob's account).</summary>
    public const string PoisonQueueName = "webjobs-blobtrigger-poison";

    public async Task<RepairReport> RunAsync(DurableTaskClient durable, CancellationToken ct)
    {
        var (resent, failed, undelivered) = await ResendOutboxAsync(durable, ct);
        int poisoned = await DrainPoisonQueueAsync(ct);
        var report = new RepairReport(resent, failed, undelivered, poisoned);
        if (report != new RepairReport(0, 0, 0, 0)) logger.LogRepaired(resent, failed, undelivered, poisoned);
        return report;
    }

    private async Task<(int Resent, int Failed, int Quarantined)> ResendOutboxAsync(DurableTaskClient durable, CancellationToken ct)
    {
        int resent = 0, failed = 0, quarantined = 0;
        foreach (var owed in await outbox.ListAsync(clock.UtcNow - options.OutboxGrace, ct))
        {
            string error;
            try
            {
                var signal = Json.Deserialize<ManagerSignal>(owed.Message, $"outbox of {owed.BlobName}");
                await ManagerSignals.Arrivals(durable, options).SendAsync(signal, ct);
                await outbox.DeleteAsync(owed.BlobName, owed.Version, ct);
                resent++;
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
            int attempts = await outbox.RecordSendFailureAsync(owed, error, ct);
            if (attempts < options.MaxSignalAttempts)
            {
                failed++;
                continue;
            }
            await quarantine.RecordAsync(owed.BlobName, FailedIngestionReason.SignalUndeliveredCode, null,
                $"{owed.BlobName}\n{owed.Version}", attempts, error,
                $"the signal to the cycle manager failed {attempts} times; last error: {error}", ct);
            await outbox.DeleteAsync(owed.BlobName, owed.Version, ct);
            logger.LogSignalGaveUp(owed.BlobName, attempts, error);
            quarantined++;
        }
        return (resent, failed, quarantined);
    }

    private async Task<int> DrainPoisonQueueAsync(CancellationToken ct)
    {
        if (!await poisonQueue.ExistsAsync(ct)) return 0;
        int moved = 0;
        for (int batch = 0; batch < 10; batch++)
        {
            QueueMessage[] messages = (await poisonQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), ct)).Value;
            if (messages.Length == 0) break;
            foreach (var message in messages)
            {
                await QuarantinePoisonAsync(message, ct);
                await poisonQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                moved++;
            }
        }
        return moved;
    }

    private async Task QuarantinePoisonAsync(QueueMessage message, CancellationToken ct)
    {
        string text = message.Body.ToString();
        const string gaveUp = "the Functions host gave up on the blob event after its retries (" + PoisonQueueName + ")";
        if (BlobTriggerMessage.Parse(text) is not { } blobEvent)
        {
            string shown = text.Length <= 500 ? text : text[..500];
            await quarantine.RecordAsync($"{PoisonQueueName}/{message.MessageId}", FailedIngestionReason.PoisonMessageCode, null,
                message.MessageId, (int)message.DequeueCount, $"unreadable poison message: {shown}", $"{gaveUp}; the message names no blob: {shown}", ct);
            return;
        }
        var blob = blobs.GetBlobContainerClient(blobEvent.ContainerName).GetBlobClient(blobEvent.BlobName);
        BinaryData? content = null;
        ETag version = default;
        try
        {
            var download = await blob.DownloadContentAsync(ct);
            (content, version) = (download.Value.Content, download.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        string detail = content is null ? $"{gaveUp}; the blob is no longer in {blobEvent.ContainerName}" : gaveUp;
        string key = await quarantine.RecordAsync(blobEvent.BlobName, FailedIngestionReason.PoisonMessageCode, content?.ToMemory(),
            $"{blobEvent.ContainerName}/{blobEvent.BlobName}\n{blobEvent.ETag}\n{message.MessageId}", (int)message.DequeueCount, gaveUp,
            detail, ct);
        if (content is not null)
            await BlobIngestionHandler.DeleteIfUnchangedAsync(blob, version, ct);
        logger.LogPoisonQuarantined(blobEvent.BlobName, key);
    }
}

/// <summary>The blob extension's queue message (container, name, ETag), as it lies in the poison queue: JSON, or JSON in base64.</summary>
public sealed record BlobTriggerMessage(string ContainerName, string BlobName, string? ETag)
{
    public static BlobTriggerMessage? Parse(string text)
    {
        if (TryRead(text) is { } plain) return plain;
        try
        {
            return TryRead(Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim())));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static BlobTriggerMessage? TryRead(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            string? container = Property(root, "ContainerName"), name = Property(root, "BlobName");
            return string.IsNullOrEmpty(container) || string.IsNullOrEmpty(name) ? null : new(container, name, Property(root, "ETag"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Property(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Every few minutes: re-send owed signals and empty the blob trigger's poison queue into quarantine.</summary>
public sealed class RepairIngestionFunction(IngestionRepair repair)
{
    [Microsoft.Azure.Functions.Worker.Function(nameof(RepairIngestion))]
    public Task<RepairReport> RepairIngestion(
        [Microsoft.Azure.Functions.Worker.TimerTrigger("0 */5 * * * *")] Microsoft.Azure.Functions.Worker.TimerInfo timer,
        [Microsoft.Azure.Functions.Worker.DurableClient] DurableTaskClient durable,
        CancellationToken ct) =>
        repair.RunAsync(durable, ct);
}

internal static partial class RepairLogging
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion repair: {Resent} owed signals sent, {Failed} failed again, {Undelivered} quarantined as SignalUndelivered, {Poisoned} poison messages quarantined")]
    public static partial void LogRepaired(this ILogger logger, int resent, int failed, int undelivered, int poisoned);

    [LoggerMessage(Level = LogLevel.Error, Message = "The signal owed for {Blob} failed {Attempts} times; recorded as SignalUndelivered: {Error}")]
    public static partial void LogSignalGaveUp(this ILogger logger, string blob, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poison blob event for {Blob} recorded in quarantine as {Key}")]
    public static partial void LogPoisonQuarantined(this ILogger logger, string blob, string key);
}
