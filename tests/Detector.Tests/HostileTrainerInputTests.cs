using System.CommandLine;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.CommandLine;

namespace AutoRetrain.Detector.Tests;

/// <summary>A tiny model trained once, and a folder of good scenes, for the predict and evaluate cases.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly TempFolder _folder = new();
    internal TempFolder Folder => _folder;
    public string Model => Folder.Sub("model");
    public string Data => Folder.Sub("data");

    public TinyModelFixture()
    {
        ShapeTiles.WriteFolder(ShapeTiles.Make(2, 64, ["car"], seed: 9, objectSize: 8), Data);
        File.WriteAllText(Folder.Sub("config.json"), "{\"inputSize\":64,\"batchSize\":2,\"architecture\":\"centernet-nano\",\"sampler\":\"uniform\"}");
        int code = HostileTrainerInputTests.Run(out _, "train", "--data", Data, "--out", Model, "--config", Folder.Sub("config.json"), "--epochs", "1", "--device", "cpu");
        if (code != TrainerCommands.Success) throw new InvalidOperationException($"training the fixture model exited {code}");
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>Malformed data and arguments: exit 2 with the file named, before any work where the arguments are wrong.</summary>
public class HostileTrainerInputTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    internal static int Run(out string stderr, params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in TrainerCommands.All("evaluate-model")) root.Subcommands.Add(command);
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        try { return root.Parse(args).Invoke(); }
        finally
        {
            Console.SetError(before);
            stderr = error.ToString();
        }
    }

    private string CopyData(string name)
    {
        string copy = model.Folder.Sub(name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(model.Data)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private string FirstSidecar(string folder) => Directory.EnumerateFiles(folder, "*" + LabelFile.Suffix).Order(StringComparer.Ordinal).First();

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate-model")]
    public void Command_OneSidecarWithNullObjects_ExitTwoFileNamed(string command)
    {
        string data = CopyData($"null-objects-{command}");
        string bad = FirstSidecar(data);
        File.WriteAllText(bad, $"{{\"image\": \"{Path.GetFileName(bad)[..^LabelFile.Suffix.Length]}.png\", \"objects\": null}}");
        string[] args = command == "train"
            ? ["train", "--data", data, "--out", model.Folder.Sub("never"), "--epochs", "1", "--device", "cpu"]
            : ["evaluate-model", "--model", model.Model, "--data", data, "--device", "cpu"];

        int code = Run(out string stderr, args);

        Assert.Equal(TrainerCommands.BadInput, code);
        Assert.Contains(Path.GetFileName(bad), stderr);
        Assert.Contains("objects", stderr);
    }

    [Fact]
    public void Train_OutIsAnExistingFile_ExitTwoBeforeTrainingFileKept()
    {
        string file = model.Folder.Sub("taken.txt");
        File.WriteAllText(file, "keep me");

        int code = Run(out string stderr, "train", "--data", model.Data, "--out", file, "--epochs", "1", "--device", "cpu");

        Assert.Equal(TrainerCommands.BadInput, code);
        Assert.Contains("--out", stderr);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("-0.5")]
    [InlineData("2")]
    public void Predict_MinScoreNotAProbability_ExitTwo(string score)
    {
        string output = model.Folder.Sub($"never-{score}.json");

        int code = Run(out string stderr, "predict", "--model", model.Model, "--images", model.Data, "--out", output, "--min-score", score, "--device", "cpu");

        Assert.Equal(TrainerCommands.BadInput, code);
        Assert.Contains("--min-score", stderr);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("predict", "--views", "3", "--views 3")]
    [InlineData("evaluate-model", "--views", "0", "--views 0")]
    [InlineData("predict", "--scales", "1,x", "'x' is not a number")]
    [InlineData("predict", "--scales", "0.1", "--scales 0.1")]
    [InlineData("evaluate-model", "--scales", "1,1", "a scale is given twice")]
    [InlineData("evaluate-model", "--scales", "1,1.25,1.5,2,3", "give 1 to 4 scales")]
    public void Command_BadViewsOrScales_ExitTwo(string command, string option, string value, string why)
    {
        string output = model.Folder.Sub($"never-{option.TrimStart('-')}-{command}.json");
        string[] args = command == "predict"
            ? ["predict", "--model", model.Model, "--images", model.Data, "--out", output, option, value, "--device", "cpu"]
            : ["evaluate-model", "--model", model.Model, "--data", model.Data, option, value, "--device", "cpu"];

        int code = Run(out string stderr, args);

        Assert.Equal(TrainerCommands.BadInput, code);
        Assert.Contains(option, stderr);
        Assert.Contains(why, stderr);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("--views", "8")]
    [InlineData("--scales", "1,1.5")]
    public void Predict_MoreViewsOrScales_WritesDetections(string option, string value)
    {
        string output = model.Folder.Sub($"more-{option.TrimStart('-')}.json");

        int code = Run(out string stderr, "predict", "--model", model.Model, "--images", model.Data, "--out", output, option, value, "--min-score", "0", "--device", "cpu");

        Assert.True(code == TrainerCommands.Success, stderr);
        Assert.Contains("\"bbox\"", File.ReadAllText(output));
    }

    [Fact]
    public void Predict_ModelListingAClassTwice_ExitTwo()
    {
        string copy = model.Folder.Sub("dup-model");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(model.Model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        string json = Path.Combine(copy, "model.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"car\"", "\"car\", \"car\""));

        int code = Run(out string stderr, "predict", "--model", copy, "--images", model.Data, "--out", model.Folder.Sub("dup.json"), "--device", "cpu");

        Assert.Equal(TrainerCommands.BadInput, code);
        Assert.Contains("listed 2 times", stderr);
    }

    [Fact]
    public void Predict_OneUnreadableImageAmongGoodOnes_SkippedWithProblemOthersScored()
    {
        string images = CopyData("one-bad-image");
        File.WriteAllBytes(Path.Combine(images, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        string output = model.Folder.Sub("scored.json");

        int code = Run(out string stderr, "predict", "--model", model.Model, "--images", images, "--out", output, "--min-score", "0", "--device", "cpu");

        Assert.True(code == TrainerCommands.Success, stderr);
        Assert.Contains("broken.png", stderr);
        string results = File.ReadAllText(output);
        Assert.DoesNotContain("broken.png", results);
        Assert.Contains(".png", results);
    }

    [Fact]
    public void BadInputMessage_DomainErrorWrappedByParallelLoading_Unwrapped()
    {
        var wrapped = new AggregateException(new Core.AutoRetrainException("a.labels.json: bad"));

        Assert.Equal("a.labels.json: bad", TrainerCommands.BadInputMessage(wrapped));
        Assert.Null(TrainerCommands.BadInputMessage(new NullReferenceException()));
    }
}
