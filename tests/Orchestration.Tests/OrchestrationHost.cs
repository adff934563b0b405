using System.Collections.Concurrent;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Hosting;
using DurableTask.Core;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>The Durable backends a test runs on: the in-memory one, or Azure Storage (what Durable Functions uses) over Azurite.</summary>
public enum Backend { InMemory, AzureStorage }

/// <summary>
/// The real orchestrators over scripted steps, on one Durable node (the sidecar with the standard worker and client) over
/// the chosen backend. On Azure Storage the node has a task hub of its own, deleted afterwards.
/// </summary>
public sealed class OrchestrationHost : IAsyncDisposable
{
    public ScriptedSteps Steps { get; } = new();
    public SidecarDurableHost Host { get; private set; } = null!;
    public DurableTaskClient Client => Host.Client;
    public CycleManagerClient Manager { get; private set; } = null!;
    public Backend Backend { get; private init; }

    /// <summary>The longest history each generation (instance, execution) had at a checkpoint.</summary>
    public ConcurrentDictionary<(string Instance, string Execution), int> HistoryPerGeneration { get; } = new();

    private AzureStorageNodes? _hub;
    private ILoggerFactory? _logs;

    public static Task<OrchestrationHost> StartAsync(Action<ScriptedSteps>? configure = null) => StartAsync(Backend.InMemory, configure);

    public static async Task<OrchestrationHost> StartAsync(Backend backend, Action<ScriptedSteps>? configure = null)
    {
        var host = new OrchestrationHost { Backend = backend };
        configure?.Invoke(host.Steps);
        if (backend == Backend.AzureStorage)
        {
            host._hub = new AzureStorageNodes();
            host.Host = await host._hub.StartNodeAsync("w1", host.Steps, host.Observe);
        }
        else
        {
            host._logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
            host.Host = await SidecarDurableHost.StartInMemoryAsync(r => r.AddAutoRetrain(),
                s => s.AddSingleton<ICycleSteps>(host.Steps), host._logs, onCheckpoint: host.Observe);
        }
        host.Manager = new CycleManagerClient(host.Host.Client);
        return host;
    }

    private void Observe(OrchestrationRuntimeState state)
    {
        if (state.OrchestrationInstance is not { InstanceId: { } instance, ExecutionId: { } execution }) return;
        HistoryPerGeneration.AddOrUpdate((instance, execution), state.Events.Count, (_, seen) => Math.Max(seen, state.Events.Count));
    }

    public static ManagerConfig FastConfig => new()
    {
        CheckInterval = TimeSpan.FromHours(1),
        PollInterval = TimeSpan.FromMilliseconds(100),
        MaxPollInterval = TimeSpan.FromMilliseconds(300),
        TrainingDeadline = TimeSpan.FromMinutes(5),
        ActivityAttempts = 1,
        DecisionDebounce = TimeSpan.FromMilliseconds(200),
    };

    public static ManagerState Initial(string project, ManagerConfig? config = null) =>
        new() { Project = project, Config = config ?? FastConfig };

    public static TilesRegistered Batch(string id, int tiles, string cls = "ship") =>
        new(id, tiles, tiles, 0, 0, new Dictionary<string, int> { [cls] = tiles });

    /// <summary>Polls the manager's custom status until the condition holds (or fails after the timeout).</summary>
    public Task<ManagerStatus> WaitForAsync(string project, Func<ManagerStatus, bool> condition, int timeoutSeconds = 60) =>
        AzureStorageNodes.WaitForAsync(Host.Client, project, condition, Backend == Backend.AzureStorage ? 2 * timeoutSeconds : timeoutSeconds);

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync(); // disposes the node, then deletes the task hub
        else
        {
            await Host.DisposeAsync();
            _logs?.Dispose();
        }
    }
}
