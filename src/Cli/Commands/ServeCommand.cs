using System.CommandLine;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Cli.Serving;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local.Watching;
using AutoRetrain.Orchestration.Contracts;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    /// <summary>The environment variable <c>serve</c> reads its token from when <c>--token</c> is absent.</summary>
    public const string TokenVariable = "AUTORETRAIN_TOKEN";

    private static Command Serve()
    {
        var workdir = CommonOptions.Workdir();
        var project = new Option<string>("--project") { Description = "Project name of the cycle manager.", DefaultValueFactory = _ => "default" };
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0: any free port).", DefaultValueFactory = _ => 5080 };
        var address = new Option<string>("--address")
        {
            Description = "IP address to listen on. Anything but loopback needs --allow-remote and --token.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow an address other machines can reach (needs --token)." };
        var token = new Option<string?>("--token")
        {
            Description = $"Secret every request must carry (header {ServeOptions.TokenHeader}, Authorization: Bearer, or ?token= in the page's address); default: ${TokenVariable}.",
        };
        var readOnly = new Option<bool>("--read-only")
        {
            Description = "Serve the workspace without running its cycle manager or watching incoming/ (for a workspace another process runs); commands answer 503.",
        };
        var training = new TrainingOptions();
        var command = new Command("serve",
            "A local web dashboard and the Functions app's HTTP API (/api/status, cycles, models, quarantine, tiles/to-label, retrain, pause, resume) " +
            "over a workspace. It runs the workspace's cycle manager and watches its incoming/ folder as `watch` does, so \"force retrain\" starts a cycle.")
        {
            workdir, project, port, address, allowRemote, token, readOnly,
        };
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var options = ServeOptions.Create(parse.GetValue(address)!, parse.GetValue(port), parse.GetValue(allowRemote),
                parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable));
            var workspace = WorkspaceGuard.OpenExisting(parse.GetValue(workdir)!, requireLedger: parse.GetValue(readOnly));
            string name = parse.GetValue(project)!;
            var progress = new TrainingProgress();
            LocalPipeline? pipeline = null;
            FolderWatcher? watcher = null;
            if (!parse.GetValue(readOnly))
            {
                // The local cycle manager lives in this process's in-process Durable host (its state in memory, rebuilt
                // from the store): only the process hosting it can signal it, so serve hosts it, as watch does.
                Directory.CreateDirectory(workspace.IncomingFolder);
                var (cycleOptions, trainer) = training.Load(parse, workspace.Root, DefaultsFor(name)).Bind();
                pipeline = await LocalPipeline.StartAsync(workspace, name, cycleOptions,
                    new ManagerConfig { PollInterval = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(5) }, trainer);
                pipeline.Backend.EventReceived += progress.OnTrainerEvent;
                watcher = new FolderWatcher(workspace.IncomingFolder, workspace.CreateIngestion());
            }
            try
            {
                await using var server = await DashboardServer.StartAsync(options, workspace, name, pipeline?.Manager, pipeline?.Predictor, progress, ct);
                string url = server.Address + (options.Token is null ? "" : "?token=<token>");
                AnsiConsole.MarkupLineInterpolated($"Serving [bold]{workspace.Root}[/] (project {name}) at [link]{url}[/]");
                Console.Out.Flush();
                while (!ct.IsCancellationRequested)
                {
                    // Stopped (SIGTERM, Ctrl-C) anywhere in the loop: a service asked to stop ends normally, after the finally.
                    try { await ScanAndSignalAsync(); }
                    catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or Grpc.Core.RpcException) { break; }
                    try { await Task.Delay(watcher?.PollInterval ?? TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { break; }
                }

                async Task ScanAndSignalAsync()
                {
                    if (watcher is not null && pipeline is not null)
                    {
                        var outcomes = await watcher.ScanOnceAsync(ct: ct);
                        if (await pipeline.Arrivals.NotifyAsync(outcomes, ct) is { } tiles)
                        {
                            AnsiConsole.MarkupLineInterpolated($"ingested {outcomes.Count} files; cycle manager told: {tiles.NewTiles} newly labelled tiles");
                        }
                    }
                }
            }
            finally
            {
                if (pipeline is not null) await pipeline.DisposeAsync();
            }
            return 0;
        });
        return command;
    }
}
