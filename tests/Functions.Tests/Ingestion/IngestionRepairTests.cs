using System.Text;
using Azure.Storage.Queues;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core.Ports;
using AutoRetrain.Functions.Ingestion;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Tests.Ingestion;

/// <summary>The repair timer over Azurite: owed signals re-sent, then given up on; the poison queue emptied into quarantine.</summary>
public sealed class IngestionRepairTests
{
    [Fact]
    public async Task RepairIngestion_OwedSignalWhoseSendFailed_IsSentOnceTheGraceHasPassed()
    {
        await using var host = await PipelineTestHost.StartAsync();
        await OweASignalAsync(host, "owed");
        var poison = await EmptyQueueAsync();

        var young = await host.Repair(poison, outboxGrace: TimeSpan.FromMinutes(10)).RunAsync(host.Durable.Client, CancellationToken.None);
        Assert.Equal(0, young.Resent);
        Assert.Single(await host.Outbox.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1)));

        var report = await host.Repair(poison).RunAsync(host.Durable.Client, CancellationToken.None);

        Assert.Equal(new RepairReport(1, 0, 0, 0), report);
        var status = await host.WaitForManagerAsync(s => s.Pending.NewTiles == 1);
        Assert.Equal(1, status.Pending.Batches);
        Assert.Empty(await host.Outbox.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Empty(await host.Ledger.ListQuarantineAsync());
        await poison.DeleteAsync();
    }

    [Fact]
    public async Task RepairIngestion_OwedSignalKeepsFailing_BecomesASignalUndeliveredRecordAfterItsAttempts()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var dead = await PipelineTestHost.UnreachableClientAsync();
        await OweASignalAsync(host, "never", dead);
        var poison = await EmptyQueueAsync();
        var repair = host.Repair(poison, maxSignalAttempts: 2);

        var first = await repair.RunAsync(dead, CancellationToken.None);
        Assert.Equal(new RepairReport(0, 1, 0, 0), first);
        var row = Assert.Single(await host.Outbox.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(1, row.SendFailures);
        Assert.False(string.IsNullOrEmpty(row.LastError));

        var second = await repair.RunAsync(dead, CancellationToken.None);

        Assert.Equal(new RepairReport(0, 0, 1, 0), second);
        Assert.Empty(await host.Outbox.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        var entry = Assert.Single(await host.Ledger.ListQuarantineAsync());
        Assert.Equal(FailedIngestionReason.SignalUndeliveredCode, entry.Code);
        Assert.EndsWith("never.png", entry.SourceName);
        Assert.Contains("failed 2 times", entry.Message);
        Assert.NotNull(await host.Store.GetAsync(Containers.Quarantine, entry.Key + ".reason.json"));
        await poison.DeleteAsync();
    }

    [Fact]
    public async Task RepairIngestion_PoisonMessages_BecomeQuarantineRecordsWithTheirReasonAndAreDeleted()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var png = TestImages.UniquePng();
        var stuck = await host.UploadAsync("stuck.png", png);
        var poison = await EmptyQueueAsync();
        // As the blob extension writes them: base64 (its default encoding) and plain JSON; and one that names no blob.
        string stuckMessage = Message(Containers.Incoming, stuck.Name, (await stuck.GetPropertiesAsync()).Value.ETag.ToString());
        await poison.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(stuckMessage)));
        await poison.SendMessageAsync(Message(Containers.Incoming, $"{host.Folder}/gone.png", "\"0x1\""));
        await poison.SendMessageAsync("not a blob event");

        var report = await host.Repair(poison).RunAsync(host.Durable.Client, CancellationToken.None);

        Assert.Equal(new RepairReport(0, 0, 0, 3), report);
        Assert.Empty((await poison.PeekMessagesAsync(32)).Value);
        var entries = await host.Ledger.ListQuarantineAsync();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(FailedIngestionReason.PoisonMessageCode, e.Code));
        var kept = Assert.Single(entries, e => e.SourceName.EndsWith("stuck.png", StringComparison.Ordinal));
        Assert.Equal(png, await host.Store.GetAsync(Containers.Quarantine, kept.Key));
        Assert.Contains("gave up", kept.Message);
        Assert.False(await stuck.ExistsAsync());
        var gone = Assert.Single(entries, e => e.SourceName.EndsWith("gone.png", StringComparison.Ordinal));
        Assert.Contains("no longer in incoming", gone.Message);
        Assert.False(await host.Store.ExistsAsync(Containers.Quarantine, gone.Key));
        Assert.Contains(entries, e => e.Message.Contains("names no blob: not a blob event", StringComparison.Ordinal));
        await poison.DeleteAsync();
    }

    [Fact]
    public void BlobTriggerMessage_PlainOrBase64_ReadsContainerNameAndETag()
    {
        string json = Message("incoming", "a/b.png", "\"0x8D\"");
        var plain = BlobTriggerMessage.Parse(json);
        Assert.Equal(new BlobTriggerMessage("incoming", "a/b.png", "\"0x8D\""), plain);
        Assert.Equal(plain, BlobTriggerMessage.Parse(Convert.ToBase64String(Encoding.UTF8.GetBytes(json))));
        Assert.Null(BlobTriggerMessage.Parse("{\"Type\":\"BlobTrigger\"}"));
        Assert.Null(BlobTriggerMessage.Parse("[1,2]"));
    }

    /// <summary>A labelled tile whose delivery could not reach the manager: the ledger has it, the outbox owes its signal.</summary>
    private static async Task OweASignalAsync(PipelineTestHost host, string name, DurableTaskClient? dead = null)
    {
        dead ??= await PipelineTestHost.UnreachableClientAsync();
        await host.DeliverAsync(await host.UploadAsync($"{name}.labels.json", TestImages.Labels($"{name}.png", 64, 48, ("ship", [1, 1, 9, 9]))));
        var image = await host.UploadAsync($"{name}.png", TestImages.UniquePng());
        await Assert.ThrowsAnyAsync<Exception>(() => host.Function.IngestIncomingBlob(image, dead, CancellationToken.None));
        Assert.Single(await host.Outbox.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    /// <summary>A poison queue of this test's own (the real one is <see cref="IngestionRepair.PoisonQueueName"/>).</summary>
    private static async Task<QueueClient> EmptyQueueAsync()
    {
        Azurite.Connect();
        var queue = new QueueClient(PipelineStorageConnection.DevelopmentStorage, "poison-" + Guid.NewGuid().ToString("N")[..20]);
        await queue.CreateAsync();
        return queue;
    }

    private static string Message(string container, string name, string etag) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Type"] = "BlobTrigger", ["FunctionId"] = "Host.Functions.IngestIncomingBlob", ["BlobType"] = "BlockBlob",
            ["ContainerName"] = container, ["BlobName"] = name, ["ETag"] = etag,
        });
}
