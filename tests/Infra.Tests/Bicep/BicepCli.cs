using System.Diagnostics;
using System.Reflection;

namespace AutoRetrain.Infra.Tests.Bicep;

/// <summary>What one run of the Bicep CLI printed and returned.</summary>
public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the native Bicep CLI restored from the NuGet package Azure.Bicep.CommandLine.linux-x64
/// (its path is baked into this assembly at build time), so tests need no separate install.
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(LocateExecutable);

    public static BicepResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The CLI is a self-contained .NET app: without ICU on the machine it must run invariant, and it
        // must not try to reach the network (telemetry) from CI.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["BICEP_TRACING_ENABLED"] = "false";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start the Bicep CLI at {Executable.Value}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new BicepResult(process.ExitCode, standardOutput.Result, standardError.Result);
    }

    private static string LocateExecutable()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepExecutable").Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI was expected at '{path}' (package Azure.Bicep.CommandLine.linux-x64); restore tests/Infra.Tests.");
        }
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package referenced here is the linux-x64 build; run these tests on Linux.");
        }
        // NuGet extraction does not always keep the execute bit.
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return path;
    }
}
