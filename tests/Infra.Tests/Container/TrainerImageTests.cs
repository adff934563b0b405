using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Infra.Tests.Container;

/// <summary>The trainer image runs the command the function app submits to Azure ML.</summary>
public class TrainerImageTests
{
    private static string Dockerfile => Path.Combine(RepositoryPaths.Root, "src", "TrainerContainer", "Dockerfile");

    private static AzureMachineLearningOptions Options => new()
    {
        SubscriptionId = "00000000-0000-0000-0000-000000000000", ResourceGroup = "rg", WorkspaceName = "mlw", ComputeName = "gpu",
        TrainerImage = "cr.azurecr.io/autoretrain-trainer:abc", DataBlobServiceUri = "https://st.blob.core.windows.net",
    };

    private static string SubmittedCommand() =>
        CommandJobBody.Job(Options, new TrainingJobSpec
        {
            CycleId = "p-cycle-0001-0a1b2c3d", Candidate = "0-uniform", SnapshotKey = "snapshots/s.json",
            OutputModelKey = "p-cycle-0001-0a1b2c3d/0-uniform", Config = new TrainingConfig(),
        })["properties"]!["command"]!.GetValue<string>();

    [Fact]
    public void JobCommand_FirstWord_ResolvesOnThePathOfTheImageWithoutAnEntrypoint()
    {
        var image = DockerfileModel.Parse(File.ReadAllText(Dockerfile), RepositoryPaths.Root).Final;
        string first = SubmittedCommand().Split(' ')[0];

        Assert.Null(image.EntryPoint);
        Assert.Equal("/app/autoretrain-trainer", DockerfileModel.Resolve(image, first));
        Assert.NotNull(image.Cmd);
        Assert.NotNull(DockerfileModel.Resolve(image, image.Cmd![0]));
    }

    [Fact]
    public void Resolve_ImageWithOnlyADllEntrypoint_DoesNotFindTheCommand()
    {
        // The image as it was: the apphost in /app, /app not on PATH, an ENTRYPOINT the command would be appended to.
        const string old = """
            FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
            RUN dotnet publish src/TrainerContainer/TrainerContainer.csproj -c Release -o /app
            FROM nvidia/cuda:12.8.1-base-ubuntu24.04 AS runtime
            RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
            WORKDIR /app
            COPY --from=build /app ./
            ENTRYPOINT ["dotnet", "/app/autoretrain-trainer.dll"]
            """;
        var image = DockerfileModel.Parse(old, RepositoryPaths.Root).Final;

        Assert.Contains("/app/autoretrain-trainer", image.Files);
        Assert.Null(DockerfileModel.Resolve(image, SubmittedCommand().Split(' ')[0]));
        Assert.Equal("/usr/bin/dotnet", DockerfileModel.Resolve(image, "dotnet"));
        Assert.NotNull(image.EntryPoint);
    }

    [Fact]
    public void DockerIgnore_ExcludesBuildOutputsAndNonSources_ButNothingTheDockerfileCopies()
    {
        var patterns = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "**/bin", "**/obj", ".git", "tests", "bench", ".tools" })
            Assert.Contains(required, patterns);

        var copied = File.ReadAllLines(Dockerfile).Select(l => l.Trim())
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.Contains("src/Core/", copied);
        Assert.Contains("src/Imagery/", copied);
        foreach (var source in copied)
        {
            string top = source.TrimEnd('/').Split('/')[0];
            Assert.DoesNotContain(top, patterns);
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, source)) || Directory.Exists(Path.Combine(RepositoryPaths.Root, source)),
                $"the Dockerfile copies {source}, which the repository does not have");
        }
    }

    [Fact]
    public void Environment_WithADigest_PinsTheImageAndTakesItsVersionFromIt()
    {
        var tagged = Options;
        var pinned = Options;
        pinned.TrainerImageDigest = "sha256:" + new string('a', 64);
        var repushed = Options;
        repushed.TrainerImageDigest = "sha256:" + new string('b', 64);

        Assert.Equal("cr.azurecr.io/autoretrain-trainer@sha256:" + new string('a', 64),
            CommandJobBody.Environment(pinned)["properties"]!["image"]!.GetValue<string>());
        Assert.Equal("cr.azurecr.io/autoretrain-trainer:abc", CommandJobBody.Environment(tagged)["properties"]!["image"]!.GetValue<string>());
        Assert.NotEqual(CommandJobBody.EnvironmentVersionFor(pinned), CommandJobBody.EnvironmentVersionFor(repushed));
        Assert.NotEqual(CommandJobBody.EnvironmentVersionFor(tagged), CommandJobBody.EnvironmentVersionFor(pinned));
        Assert.EndsWith($"/versions/{CommandJobBody.EnvironmentVersionFor(pinned)}", CommandJobBody.EnvironmentId(pinned));
        pinned.TrainerImageDigest = "latest";
        Assert.Throws<AutoRetrain.Core.AutoRetrainException>(pinned.Validate);
    }

    [Fact]
    public void Hooks_TagTheImageWithTheCommitAndRecordItsDigest()
    {
        var pre = File.ReadAllText(Path.Combine(RepositoryPaths.HooksFolder, "preprovision.sh"));
        var post = File.ReadAllText(Path.Combine(RepositoryPaths.HooksFolder, "postprovision.sh"));
        Assert.Contains("git -C \"${repo_root}\" rev-parse", pre);
        Assert.Contains("azd env set TRAINER_IMAGE_TAG", pre);
        Assert.Contains("--query digest", post);
        Assert.Contains("AzureMachineLearning__TrainerImageDigest=", post);
        var parameters = File.ReadAllText(Path.Combine(RepositoryPaths.BicepFolder, "main.parameters.json"));
        Assert.Contains("${TRAINER_IMAGE_TAG=latest}", parameters);
        Assert.Contains("${TRAINER_IMAGE_DIGEST=}", parameters);
    }
}
