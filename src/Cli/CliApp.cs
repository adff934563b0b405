using System.CommandLine;
using AutoRetrain.Core;

namespace AutoRetrain.Cli;

/// <summary>The <c>autoretrain</c> command tree. Each command lives in Commands/, one per file.</summary>
public static class CliApp
{
    /// <summary>How long a hosting command (watch, serve, demo) may take to stop cleanly after SIGINT or SIGTERM.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    /// <summary>The exit code of a command stopped by a signal before it finished (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    public static RootCommand Build()
    {
        var root = new RootCommand("AutoRetrain: keeps an overhead-imagery object detector up to date as labelled imagery arrives.");
        foreach (var command in Commands.All())
            root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            // System.CommandLine would otherwise print the stack trace of every exception itself. On SIGINT or SIGTERM it
            // cancels the command's token and waits for the command to finish: for a host, long enough to stop its trainer
            // and record the job as interrupted (its trainers are also killed when the process exits without that); other
            // commands keep the library's short wait, so Ctrl-C on one that does not watch its token still ends it soon.
            var parse = Build().Parse(args);
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (parse.CommandResult.Command.Name is "watch" or "serve" or "demo") configuration.ProcessTerminationTimeout = ShutdownGrace;
            return await parse.InvokeAsync(configuration);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled })
        {
            Console.Error.WriteLine("stopped: interrupted before the command finished.");
            return InterruptedExitCode;
        }
        catch (AutoRetrainException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }
}
