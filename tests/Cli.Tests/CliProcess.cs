using System.Diagnostics;
using System.Text;

namespace AutoRetrain.Cli.Tests;

/// <summary>The built <c>autoretrain</c> run as a user runs it: a child process, its output collected.</summary>
internal sealed class CliProcess : IAsyncDisposable
{
    /// <summary>The built command's assembly, started with <c>dotnet</c>.</summary>
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "autoretrain.dll");
    private readonly StringBuilder _output = new();

    public Process Process { get; }

    private CliProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static CliProcess Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// <summary>Starts the command with these environment variables set (null: removed).</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new CliProcess(Process.Start(info)!);
    }

    public static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(timeout, new Dictionary<string, string?>(), args);

    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        await using var process = Start(environment, args);
        using var cancel = new CancellationTokenSource(timeout);
        await process.Process.WaitForExitAsync(cancel.Token);
        process.Process.WaitForExit(); // the output's last lines
        return (process.Process.ExitCode, process.Output);
    }

    /// <summary>Runs the command to its end (at most ten minutes), asserts it exited 0, and returns its output.</summary>
    public static async Task<string> RunOkAsync(params string[] args)
    {
        var (code, output) = await RunAsync(TimeSpan.FromMinutes(10), args);
        Assert.True(code == 0, $"autoretrain {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
