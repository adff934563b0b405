using System.Diagnostics;

namespace AutoRetrain.Cli.Tests;

/// <summary>Runs the built <c>autoretrain</c> command as a separate process, as a user does.</summary>
public static class CliProcess
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "autoretrain.dll");

    /// <summary>Starts the command with its output redirected (the caller reads or discards it).</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs the command to its end (at most <paramref name="minutes"/>) and asserts it exited 0; returns its output.</summary>
    public static async Task<string> RunAsync(string[] args, int minutes = 10)
    {
        using var process = Start(args);
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        await process.WaitForExitAsync(timeout.Token);
        string text = string.Concat(await output);
        Assert.True(process.ExitCode == 0, $"autoretrain {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return text;
    }
}
