using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>What azd needs: azure.yaml, a parameters file that matches main.bicep, UPPER_SNAKE outputs the hooks read.</summary>
[Collection(MainTemplateCollection.Name)]
public partial class AzdTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void AzureYaml_Service_IsTheDotnetFunctionProject()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        Assert.Contains("path: infra/bicep", yaml);
        Assert.Contains("project: ./src/Functions", yaml);
        Assert.Contains("language: dotnet", yaml);
        Assert.Contains("host: function", yaml);
        Assert.Contains("run: ./infra/hooks/preprovision.sh", yaml);
        Assert.Contains("run: ./infra/hooks/postprovision.sh", yaml);
        Assert.Contains("run: ./infra/hooks/postdeploy.sh", yaml);
    }

    [Fact]
    public void Main_TargetsTheSubscriptionWithOutputsInUpperSnakeCase()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", template.Root["$schema"]!.ToString());
        Assert.NotEmpty(template.Outputs);
        Assert.All(template.Outputs.Select(o => o.Key), key => Assert.Matches(UpperSnake(), key));
    }

    [Fact]
    public void ParametersFile_NamesOnlyMainParametersAndEveryRequiredOne()
    {
        var parametersFile = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepFolder, "main.parameters.json")))!;
        var supplied = parametersFile["parameters"]!.AsObject().Select(p => p.Key).ToList();
        Assert.All(supplied, name => Assert.True(template.Parameters.ContainsKey(name), $"main.bicep has no parameter {name}"));
        var required = template.Parameters.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.Contains(name, supplied));
    }

    [Fact]
    public void ParametersFile_DefaultsAfterEquals_AreValidForTheParameterType()
    {
        // "${NAME=default}": azd substitutes the default when NAME is unset and converts it to the parameter's type.
        var parametersFile = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepFolder, "main.parameters.json")))!;
        var checkedDefaults = 0;
        foreach (var (name, entry) in parametersFile["parameters"]!.AsObject())
        {
            var match = DefaultedVariable().Match(entry!["value"]!.ToString());
            if (!match.Success)
            {
                continue;
            }
            var fallback = match.Groups["default"].Value;
            var parameter = template.Parameters[name]!;
            switch (parameter["type"]!.ToString())
            {
                case "bool":
                    Assert.True(bool.TryParse(fallback, out _), $"{name}: '{fallback}' is not a bool");
                    break;
                case "int":
                    Assert.True(int.TryParse(fallback, out var number), $"{name}: '{fallback}' is not an int");
                    Assert.InRange(number, parameter["minValue"]?.GetValue<int>() ?? int.MinValue, parameter["maxValue"]?.GetValue<int>() ?? int.MaxValue);
                    break;
            }
            if (parameter["allowedValues"] is JsonArray allowed)
            {
                Assert.Contains(fallback, allowed.Select(v => v!.ToString()));
            }
            checkedDefaults++;
        }
        Assert.True(checkedDefaults >= 5, $"only {checkedDefaults} defaulted parameters found");
    }

    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("postdeploy.sh")]
    public void Hook_EveryRequiredVariable_IsAnOutputOfMain(string hook)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.HooksFolder, hook));
        var required = RequiredVariable().Matches(script).Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(template.Outputs.ContainsKey(name), $"{hook} needs {name}, which main.bicep does not output"));
    }

    [Theory]
    [InlineData("preprovision.sh")]
    [InlineData("postprovision.sh")]
    [InlineData("postdeploy.sh")]
    public void Hook_Script_ParsesAsPosixShell(string hook)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.HooksFolder, hook));
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{hook}: {errors}");
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex UpperSnake();

    [GeneratedRegex(@"^\$\{[A-Z_]+=(?<default>[^}]*)\}$")]
    private static partial Regex DefaultedVariable();

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+):\?")]
    private static partial Regex RequiredVariable();
}
