using System.Diagnostics;
using System.Net.Sockets;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// Durable nodes on the Azure Storage backend over Azurite (scripts/azurite.sh; tests fail, never skip, when it is down).
/// Each test uses a task hub of its own and deletes it afterwards.
/// </summary>
public sealed class AzureStorageNodes : IAsyncDisposable
{
    public const string Connection = "UseDevelopmentStorage=true";

    public string TaskHub { get; } = AzureStorageBackendOptions.TaskHubFor("t" + Guid.NewGuid().ToString("N")[..16]);
    public string Dir { get; } = Directory.CreateTempSubdirectory("autoretrain-hub-").FullName;
    private readonly List<SidecarDurableHost> _nodes = [];
    private readonly List<Process> _processes = [];
    private readonly ILoggerFactory _logs = LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(LogLevel.Warning);
        // AUTORETRAIN_TEST_LOGS=Information shows what the sidecar and the provider do.
        if (Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("AUTORETRAIN_TEST_LOGS"), out var level))
            b.SetMinimumLevel(level).AddSimpleConsole(o => o.SingleLine = true);
    });

    /// <summary>
    /// Short leases and visibility timeouts, so that the work of a killed node is taken over within seconds
    /// (the provider's defaults, 30 s and 5 min, are for the cloud).
    /// </summary>
    public static AzureStorageBackendOptions Options(string hub, string workerId) => new()
    {
        ConnectionString = Connection,
        TaskHub = hub,
        WorkerId = workerId,
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
        LeaseInterval = TimeSpan.FromSeconds(6),
        MessageVisibilityTimeout = TimeSpan.FromSeconds(10),
    };

    public static void RequireAzurite()
    {
        foreach (int port in new[] { 10000, 10001, 10002 })
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"Azurite is not listening on 127.0.0.1:{port}. Start it with " +
                                                    "`scripts/azurite.sh start` (scripts/test.sh does this), then run the tests again.");
            }
        }
    }

    /// <summary>A node in this process: with steps it is a worker, without them a client only.</summary>
    public async Task<SidecarDurableHost> StartNodeAsync(string id, ICycleSteps? steps,
        Action<DurableTask.Core.OrchestrationRuntimeState>? onCheckpoint = null)
    {
        RequireAzurite();
        var node = await SidecarDurableHost.StartAzureStorageAsync(Options(TaskHub, id),
            steps is null ? null : r => r.AddAutoRetrain(),
            steps is null ? null : s => s.AddSingleton(steps), _logs, onCheckpoint: onCheckpoint);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A node in this process running the given orchestrators and activities.</summary>
    public async Task<SidecarDurableHost> StartNodeAsync(string id, Action<Microsoft.DurableTask.DurableTaskRegistry> registry)
    {
        RequireAzurite();
        var node = await SidecarDurableHost.StartAzureStorageAsync(Options(TaskHub, id), registry, loggerFactory: _logs);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A worker process (this test assembly's <see cref="WorkerProgram"/>), started and ready.</summary>
    public async Task<Process> StartWorkerProcessAsync(string id)
    {
        RequireAzurite();
        string dll = typeof(WorkerProgram).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in new[] { dll, "worker", TaskHub, Dir, id }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        _processes.Add(process);
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready")
            throw new InvalidOperationException($"worker {id} did not start (exit {(process.HasExited ? process.ExitCode : -1)}): " +
                                                $"{line}\n{(process.HasExited ? await errors : "")}");
        return process;
    }

    /// <summary>Polls the manager's custom status until the condition holds (or fails after the timeout), on any backend.</summary>
    public static async Task<ManagerStatus> WaitForAsync(DurableTaskClient client, string project, Func<ManagerStatus, bool> condition,
        int timeoutSeconds = 120)
    {
        var manager = new CycleManagerClient(client);
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        ManagerStatus? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await manager.GetStatusAsync(project);
            if (last is not null && condition(last)) return last;
            await Task.Delay(100);
        }
        var instance = await client.GetInstanceAsync(CycleManagerOrchestrator.InstanceIdFor(project), getInputsAndOutputs: true);
        throw new TimeoutException($"condition not reached; manager {instance?.RuntimeStatus} {instance?.FailureDetails?.ErrorType}: " +
                                   $"{instance?.FailureDetails?.ErrorMessage}\n{instance?.FailureDetails?.StackTrace}\n" +
                                   $"last status: {AutoRetrain.Core.Json.Serialize(last)}");
    }

    /// <summary>Waits until the journal of the worker processes satisfies the condition.</summary>
    public async Task<IReadOnlyList<(string Worker, string Step, string Arg)>> WaitForJournalAsync(
        Func<IReadOnlyList<(string Worker, string Step, string Arg)>, bool> condition, int timeoutSeconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var journal = JournalingSteps.Read(Dir);
            if (condition(journal)) return journal;
            if (DateTime.UtcNow > until)
                throw new TimeoutException("journal condition not reached:\n" + string.Join("\n", journal.Select(j => $"{j.Worker} {j.Step} {j.Arg}")));
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
        }
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            await Options(TaskHub, "cleanup").CreateService(_logs).DeleteAsync();
        }
        catch (Exception) { /* a hub left in Azurite costs nothing but space */ }
        _logs.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
