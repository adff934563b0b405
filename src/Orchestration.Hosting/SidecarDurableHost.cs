using System.Net;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>
/// One Durable Task node: the gRPC sidecar (<see cref="TaskHubGrpcServer"/>) over a real orchestration service, on a
/// loopback port of its own, with the standard Durable Task worker and client connected to it. The backend keeps the
/// orchestrations' state, so a node that dies (even by SIGKILL) loses nothing: another node on the same task hub, or
/// the same one restarted, carries on from the last checkpoint. A node without a registry is a client only: its
/// sidecar serves the client API and dispatches no work (the sidecar accepts one worker connection per node).
/// </summary>
public sealed class SidecarDurableHost : IAsyncDisposable
{
    private readonly IHost _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;

    private SidecarDurableHost(IHost sidecar, IHost worker, GrpcChannel channel, string address)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        Address = address;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>The client of this node's task hub.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>The worker host's services (what activities resolve).</summary>
    public IServiceProvider Services => _worker.Services;

    /// <summary>The sidecar's gRPC address (http://127.0.0.1:port).</summary>
    public string Address { get; }

    /// <summary>
    /// A node on the Azure Storage backend (the one Durable Functions uses by default); creates the task hub if needed.
    /// <paramref name="onCheckpoint"/> sees every orchestration state the node saves (tests measure history with it).
    /// </summary>
    public static async Task<SidecarDurableHost> StartAzureStorageAsync(AzureStorageBackendOptions backend,
        Action<DurableTaskRegistry>? registry, Action<IServiceCollection>? configureServices = null,
        ILoggerFactory? loggerFactory = null, CancellationToken ct = default, string workerVersion = OrchestrationVersions.Current,
        Action<OrchestrationRuntimeState>? onCheckpoint = null)
    {
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var service = backend.CreateService(loggerFactory);
        await service.CreateIfNotExistsAsync();
        return await StartAsync(service, service, registry, configureServices, loggerFactory, ct, workerVersion, onCheckpoint);
    }

    /// <summary>
    /// A node on the in-memory backend (nothing survives the process; the local default, and the tests' fast backend).
    /// Messages addressed to an execution that has ended are dropped (<see cref="StaleExecutionMessageFilter"/>).
    /// </summary>
    public static Task<SidecarDurableHost> StartInMemoryAsync(Action<DurableTaskRegistry>? registry,
        Action<IServiceCollection>? configureServices = null, ILoggerFactory? loggerFactory = null, CancellationToken ct = default,
        Action<OrchestrationRuntimeState>? onCheckpoint = null)
    {
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var memory = new InMemoryOrchestrationService(loggerFactory);
        return StartAsync(new StaleExecutionMessageFilter(memory, loggerFactory.CreateLogger<StaleExecutionMessageFilter>()), memory,
            registry, configureServices, loggerFactory, ct, onCheckpoint: onCheckpoint);
    }

    /// <summary>A node over any orchestration service (both interfaces are usually one object).</summary>
    public static async Task<SidecarDurableHost> StartAsync(IOrchestrationService service, IOrchestrationServiceClient serviceClient,
        Action<DurableTaskRegistry>? registry, Action<IServiceCollection>? configureServices, ILoggerFactory loggerFactory,
        CancellationToken ct = default, string workerVersion = OrchestrationVersions.Current,
        Action<OrchestrationRuntimeState>? onCheckpoint = null)
    {
        service = new SidecarHistoryAdapter(service, onCheckpoint);
        var mode = registry is null ? TaskHubGrpcServerMode.ApiServerOnly : TaskHubGrpcServerMode.ApiServerAndDispatcher;
        // A plain HostBuilder: no appsettings or environment configuration (the default builder would log every gRPC call).
        var sidecar = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2))
                .ConfigureServices(services =>
                {
                    services.AddSingleton(loggerFactory);
                    services.AddGrpc();
                    services.AddSingleton(service);
                    services.AddSingleton(serviceClient);
                    services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = mode);
                    services.AddSingleton<TaskHubGrpcServer>();
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>());
                }))
            .Build();
        await sidecar.StartAsync(ct);
        string address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var channel = GrpcChannel.ForAddress(address);

        var worker = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(loggerFactory);
                configureServices?.Invoke(services);
                if (registry is not null)
                    services.AddDurableTaskWorker(b =>
                    {
                        b.UseGrpc(channel);
                        b.AddTasks(registry);
                        // What host.json sets for the function app: this version and older ones run, newer ones wait.
                        b.UseVersioning(new DurableTaskWorkerOptions.VersioningOptions
                        {
                            Version = workerVersion,
                            DefaultVersion = workerVersion,
                            MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
                            FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
                        });
                    });
                services.AddDurableTaskClient(b =>
                {
                    b.UseGrpc(channel);
                    b.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync(ct);
        return new SidecarDurableHost(sidecar, worker, channel, address);
    }

    /// <summary>Stops the worker (in-flight work items are abandoned and picked up again later), then the sidecar.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _worker.StopAsync(timeout.Token);
        _worker.Dispose();
        await _channel.ShutdownAsync();
        _channel.Dispose();
        await _sidecar.StopAsync(timeout.Token);
        _sidecar.Dispose();
    }
}
