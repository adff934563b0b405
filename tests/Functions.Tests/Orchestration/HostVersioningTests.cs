using System.Text.Json.Nodes;
using AutoRetrain.Orchestration;

namespace AutoRetrain.Functions.Tests.Orchestration;

/// <summary>host.json's orchestration versioning agrees with the code (docs/functions.md, "Deploying orchestrator changes").</summary>
public class HostVersioningTests
{
    [Fact]
    public void HostJson_DefaultVersionIsTheCodesVersion_NewerInstancesAreLeftAlone()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "AutoRetrain.sln"))) root = Path.GetDirectoryName(root)!;
        var durable = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!["extensions"]!["durableTask"]!;

        Assert.Equal(OrchestrationVersions.Current, durable["defaultVersion"]!.GetValue<string>());
        Assert.Equal("CurrentOrOlder", durable["versionMatchStrategy"]!.GetValue<string>());
        Assert.Equal("Reject", durable["versionFailureStrategy"]!.GetValue<string>());
        // Compared as versions, not text: "major.minor".
        Assert.Matches(@"^\d+\.\d+$", OrchestrationVersions.Current);
    }
}
