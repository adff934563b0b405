using System.Text.RegularExpressions;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>
/// Where and how a node keeps its orchestrations on Azure Storage (queues for messages, tables for history and
/// instances, blobs for leases and large payloads): Azurite ("UseDevelopmentStorage=true") or a storage account.
/// </summary>
public sealed partial record AzureStorageBackendOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>The task hub: 3 to 45 letters and digits, starting with a letter (it prefixes queue and table names).</summary>
    public required string TaskHub { get; init; }

    /// <summary>This node's name in partition leases; by default the machine and process.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The longest an idle node waits between queue polls (the provider's default, 30 s, is for the cloud's bill).</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Control-queue partitions; orchestrations spread over the nodes that hold their leases.</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>How long a partition lease lasts without renewal: after a node dies, the others take its partitions over this soon.</summary>
    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a dequeued message stays invisible; a message of a node that died comes back after this.</summary>
    public TimeSpan MessageVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The task hub name this connection's nodes share, from any text (a project, a test): letters and digits only.</summary>
    public static string TaskHubFor(string text)
    {
        string name = NonAlphanumeric().Replace(text, "");
        if (name.Length == 0 || !char.IsLetter(name[0])) name = "hub" + name;
        return name.Length <= 45 ? name : name[..45];
    }

    public AzureStorageOrchestrationService CreateService(ILoggerFactory loggerFactory)
    {
        if (TaskHub.Length is < 3 or > 45 || !char.IsLetter(TaskHub[0]) || NonAlphanumeric().IsMatch(TaskHub))
            throw new ArgumentException($"task hub '{TaskHub}': 3 to 45 letters and digits, starting with a letter");
        var renew = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, LeaseInterval.Ticks / 3));
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(ConnectionString),
            TaskHubName = TaskHub,
            WorkerId = WorkerId,
            PartitionCount = PartitionCount,
            MaxQueuePollingInterval = MaxQueuePollingInterval,
            // The table partition manager: leases as table rows, handed over without blob lease races.
            UseTablePartitionManagement = true,
            LeaseInterval = LeaseInterval,
            LeaseRenewInterval = renew,
            LeaseAcquireInterval = renew,
            ControlQueueVisibilityTimeout = MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = MessageVisibilityTimeout,
            LoggerFactory = loggerFactory,
            CustomMessageTypeBinder = new SidecarMessageTypeBinder(),
        });
    }

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();
}
