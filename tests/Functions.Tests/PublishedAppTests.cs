using System.Diagnostics;
using System.Text.Json.Nodes;
using AutoRetrain.Orchestration;
using Microsoft.DurableTask;

namespace AutoRetrain.Functions.Tests;

/// <summary>
/// <c>dotnet publish src/Functions</c> (of the build these tests run against, so no second compile) and what the
/// Functions host will read from the package: the function index and the host configuration.
/// </summary>
public sealed class PublishedAppTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("autoretrain-publish-").FullName;

    [Fact]
    public async Task Publish_FunctionsProject_MetadataListsEveryTriggerAndHostJsonIsTheRootOne()
    {
        string root = RepositoryRoot();
        await PublishAsync(root);

        var functions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "functions.metadata")))!.AsArray()
            .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["bindings"]!.AsArray());

        var ingest = Trigger(functions, "IngestIncomingBlob");
        Assert.Equal("blobTrigger", ingest["type"]!.GetValue<string>());
        Assert.Equal("EventGrid", ingest["source"]!.GetValue<string>());
        Assert.Equal("incoming/{name}", ingest["path"]!.GetValue<string>());
        Assert.Equal("PipelineStorage", ingest["connection"]!.GetValue<string>());

        var repair = Trigger(functions, "RepairIngestion");
        Assert.Equal("timerTrigger", repair["type"]!.GetValue<string>());
        Assert.Equal("0 */5 * * * *", repair["schedule"]!.GetValue<string>());

        var shared = typeof(OrchestrationRegistry).Assembly.GetTypes().Where(t => !t.IsAbstract).ToList();
        foreach (var orchestrator in shared.Where(t => typeof(ITaskOrchestrator).IsAssignableFrom(t)))
            Assert.Equal("orchestrationTrigger", Trigger(functions, orchestrator.Name)["type"]!.GetValue<string>());
        foreach (var activity in shared.Where(t => typeof(ITaskActivity).IsAssignableFrom(t)))
            Assert.Equal("activityTrigger", Trigger(functions, activity.Name)["type"]!.GetValue<string>());

        var http = functions.Where(f => f.Value.Any(b => b!["type"]!.GetValue<string>() == "httpTrigger"))
            .ToDictionary(f => f.Key, f => f.Value.First(b => b!["type"]!.GetValue<string>() == "httpTrigger")!);
        Assert.Equal(["cycles", "cycles/{cycleId}", "models", "pause", "quarantine", "resume", "retrain", "status", "tiles/to-label"],
            http.Values.Select(b => b["route"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        // No function keys: App Service Authentication (Entra ID) refuses unauthenticated calls, the functions check roles.
        Assert.All(http.Values, b => Assert.Equal("Anonymous", b["authLevel"]!.GetValue<string>()));

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(root, "host.json")), await File.ReadAllBytesAsync(Path.Combine(_output, "host.json")));
        Assert.True(File.Exists(Path.Combine(_output, "extensions.json")));
        Assert.False(File.Exists(Path.Combine(_output, "local.settings.json")));

        // In-process scoring ships libtorch for Linux x64 (the GLIBCXX requirement made weak), and nothing for Windows or macOS.
        Assert.True(File.Exists(Path.Combine(_output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so")));
        Assert.False(Directory.Exists(Path.Combine(_output, "runtimes", "win-x64")), "no Windows native libraries in the package");
        Assert.False(Directory.Exists(Path.Combine(_output, "runtimes", "osx-arm64")), "no macOS native libraries in the package");
    }

    private static JsonNode Trigger(Dictionary<string, JsonArray> functions, string name)
    {
        Assert.True(functions.TryGetValue(name, out var bindings), $"functions.metadata has no function {name}");
        return bindings!.First(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!;
    }

    private async Task PublishAsync(string root)
    {
        // The configuration these tests were built in (bin/<Configuration>/net10.0) has the Functions build too.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(root, "src", "Functions", "Functions.csproj"), "-c", configuration, "--no-build", "-o", _output, "-nologo"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) return dir.FullName;
        throw new InvalidOperationException($"AutoRetrain.sln not found above {AppContext.BaseDirectory}");
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
