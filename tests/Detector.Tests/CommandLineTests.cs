using System.CommandLine;
using AutoRetrain.Detector.CommandLine;

namespace AutoRetrain.Detector.Tests;

public class CommandLineTests
{
    private static int Run(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in TrainerCommands.All()) root.Subcommands.Add(command);
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Train_MissingDataFolder_ExitsWithBadInput()
    {
        Assert.Equal(TrainerCommands.BadInput, Run("train", "--data", "/no/such/folder", "--out", Path.GetTempPath(), "--device", "cpu"));
    }

    [Fact]
    public void Train_UnknownDevice_ExitsWithBadInput()
    {
        Assert.Equal(TrainerCommands.BadInput, Run("train", "--data", "/no/such/folder", "--out", Path.GetTempPath(), "--device", "tpu"));
    }

    [Fact]
    public void Train_WithoutRequiredOut_FailsToParse()
    {
        Assert.NotEqual(TrainerCommands.Success, Run("train", "--data", "x"));
    }

    [Fact]
    public void All_EvaluateName_IsUsedForTheCli()
    {
        Assert.Equal(["train", "evaluate-model", "predict"], TrainerCommands.All("evaluate-model").Select(c => c.Name));
    }

    [Fact]
    public void Train_FolderOfTiles_WritesModelAndStatsWithExitCodeZero()
    {
        using var folder = new TempFolder();
        ShapeTiles.WriteFolder(ShapeTiles.Make(2, 32, ["car"], seed: 9, objectSize: 8), folder.Sub("data"));
        File.WriteAllText(folder.Sub("config.json"), "{\"inputSize\":32,\"batchSize\":2,\"architecture\":\"centernet-nano\",\"sampler\":\"uniform\"}");

        int code = Run("train", "--data", folder.Sub("data"), "--out", folder.Sub("model"), "--config", folder.Sub("config.json"), "--epochs", "1", "--device", "cpu");

        Assert.Equal(TrainerCommands.Success, code);
        Assert.True(File.Exists(Path.Combine(folder.Sub("model"), "model.json")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder.Sub("model"), "tile-stats.jsonl")).Length);
    }
}
