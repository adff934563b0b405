using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>The real in-process Durable Task host running the real orchestrators over scripted steps.</summary>
public sealed class OrchestrationHost : IAsyncDisposable
{
    public ScriptedSteps Steps { get; } = new();
    public DurableTaskTestHost Host { get; private set; } = null!;
    public CycleManagerClient Manager { get; private set; } = null!;

    public static async Task<OrchestrationHost> StartAsync(Action<ScriptedSteps>? configure = null)
    {
        var host = new OrchestrationHost();
        configure?.Invoke(host.Steps);
        host.Host = await DurableTaskTestHost.StartAsync(r => r.AddAutoRetrain(), new DurableTaskTestHostOptions
        {
            ConfigureServices = services => services.AddSingleton<ICycleSteps>(host.Steps),
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)),
        });
        host.Manager = new CycleManagerClient(host.Host.Client);
        return host;
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
        AzureStorageNodes.WaitForAsync(Host.Client, project, condition, timeoutSeconds);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
