using AutoRetrain.Infra.Tests.Bicep;

namespace AutoRetrain.Infra.Tests.Bicep;

/// <summary>Every Bicep file compiles and lints with no diagnostic at all, whatever its level.</summary>
public class BicepFileTests
{
    public static TheoryData<string> BicepFiles() => new(RepositoryPaths.BicepFiles());

    [Fact]
    public void BicepFiles_UnderInfra_IncludeMainAndEveryModuleFolder()
    {
        var files = RepositoryPaths.BicepFiles();
        Assert.Contains(Path.Combine("infra", "bicep", "main.bicep"), files);
        foreach (var folder in new[] { "identity", "monitoring", "storage", "functions", "events", "machinelearning", "roles" })
        {
            Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}{folder}{Path.DirectorySeparatorChar}"));
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_BicepFile_CompilesWithoutDiagnostics(string relativePath)
    {
        var outputFolder = Directory.CreateTempSubdirectory("bicep-build-");
        try
        {
            var result = BicepCli.Run("build", relativePath, "--outdir", outputFolder.FullName);
            AssertClean(result, relativePath);
            Assert.Single(outputFolder.GetFiles("*.json"));
        }
        finally
        {
            outputFolder.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Lint_BicepFile_NoDiagnostics(string relativePath) =>
        AssertClean(BicepCli.Run("lint", relativePath), relativePath);

    [Fact]
    public void Lint_FileBreakingARule_FailsBecauseRulesAreErrors()
    {
        // Proves bicepconfig.json is picked up and turns a warning-level rule into a failing exit code.
        var probe = Path.Combine(RepositoryPaths.BicepFolder, $"lint-probe-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(probe, "param unusedParameter string\n");
        try
        {
            var result = BicepCli.Run("lint", probe);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Error no-unused-params", result.StandardError + result.StandardOutput);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private static void AssertClean(BicepResult result, string relativePath)
    {
        Assert.True(result.ExitCode == 0,
            $"bicep failed on {relativePath} (exit {result.ExitCode}):\n{result.StandardError}{result.StandardOutput}");
        Assert.True(string.IsNullOrWhiteSpace(result.StandardError),
            $"bicep printed diagnostics for {relativePath}:\n{result.StandardError}");
        Assert.DoesNotContain(": Warning ", result.StandardOutput);
        Assert.DoesNotContain(": Error ", result.StandardOutput);
    }
}
