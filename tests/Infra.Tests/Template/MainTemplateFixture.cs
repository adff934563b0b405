using AutoRetrain.Infra.Tests.Bicep;

namespace AutoRetrain.Infra.Tests.Template;

/// <summary>Compiles infra/bicep/main.bicep once (bicep build --stdout) for every test that reads the ARM JSON.</summary>
public sealed class MainTemplateFixture
{
    public MainTemplateFixture()
    {
        var result = BicepCli.Run("build", RepositoryPaths.MainBicep, "--stdout");
        if (result.ExitCode != 0 || !string.IsNullOrWhiteSpace(result.StandardError))
        {
            throw new InvalidOperationException($"main.bicep did not compile cleanly (exit {result.ExitCode}):\n{result.StandardError}");
        }
        Json = result.StandardOutput;
        Template = new ArmTemplate(Json);
    }

    /// <summary>The raw ARM JSON text.</summary>
    public string Json { get; }

    public ArmTemplate Template { get; }
}

[CollectionDefinition(Name)]
public sealed class MainTemplateCollection : ICollectionFixture<MainTemplateFixture>
{
    public const string Name = "main.bicep compiled";
}
