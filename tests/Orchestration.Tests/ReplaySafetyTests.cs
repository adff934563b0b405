using System.Text.RegularExpressions;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// Orchestrator code is replayed: it must use only the context's clock, GUIDs, timers and loggers, and no I/O.
/// This reads the orchestrators' source and refuses the APIs that break replay.
/// </summary>
public partial class ReplaySafetyTests
{
    [GeneratedRegex(@"DateTime(Offset)?\.(Now|UtcNow|Today)|Guid\.NewGuid|Task\.Delay|Thread\.Sleep|new Random|Random\.Shared|Environment\.TickCount|Stopwatch|\bFile\.|\bDirectory\.|HttpClient|Console\.")]
    private static partial Regex Forbidden();

    public static TheoryData<string> OrchestratorFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SourceFolder(), "*Orchestrator.cs")) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(OrchestratorFiles))]
    public void Orchestrator_UsesOnlyReplaySafeApis(string file)
    {
        var offending = File.ReadLines(Path.Combine(SourceFolder(), file))
            .Select((line, i) => (line, i))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && Forbidden().IsMatch(x.line))
            .Select(x => $"{file}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.Empty(offending);
    }

    [Fact]
    public void OrchestratorFiles_AllThreeFound() => Assert.Equal(3, OrchestratorFiles().Count);

    private static string SourceFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("AutoRetrain.sln not found above the test binaries"),
            "src", "Orchestration");
    }
}
