using System.Diagnostics;
using AutoRetrain.Cli.Configuration;
using AutoRetrain.Core;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Cli.Tests;

/// <summary>The local loop's configuration layers: defaults, autoretrain.json, AUTORETRAIN__ variables, options.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _workdir = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
    private static readonly LocalSettings Defaults = new(new CycleStepsOptions { Experiment = "roads" }, new TrainerSettings());

    public ConfigurationTests() => Directory.CreateDirectory(_workdir);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("AUTORETRAIN__Training__Epochs", null);
        try { Directory.Delete(_workdir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Load_FileThenEnvironmentThenCommandLine_LaterLayersWinAndEachValueNamesItsSource()
    {
        File.WriteAllText(Path.Combine(_workdir, LocalConfiguration.FileName), """
            { "Training": { "Epochs": 7, "Seed": 3 }, "Gate": { "MinMapGain": 0.02 }, "Policy": { "Cooldown": "00:10:00" },
              "Strategies": [ "uniform" ], "Trainer": { "BatchSize": 8 } }
            """);
        Environment.SetEnvironmentVariable("AUTORETRAIN__Training__Epochs", "9");

        var configuration = LocalConfiguration.Load(_workdir, null, Defaults, new Dictionary<string, string?>
        {
            ["Training:InputSize"] = "128", ["Trainer:Device"] = null,
        });
        var (cycles, trainer) = configuration.Bind();

        Assert.Equal((9, 3, 128), (cycles.Training.Epochs, cycles.Training.Seed, cycles.Training.InputSize));
        Assert.Equal(0.02, cycles.Gate.MinMapGain);
        Assert.Equal(TimeSpan.FromMinutes(10), cycles.Policy.Cooldown);
        Assert.Equal(["uniform"], cycles.Strategies);
        Assert.Equal("roads", cycles.Experiment);
        Assert.Equal((8, "cpu"), (trainer.BatchSize, trainer.Device));
        var sources = configuration.Explain().ToDictionary(e => e.Key, e => e.Source, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("environment AUTORETRAIN__Training__Epochs", sources["Training:Epochs"]);
        Assert.Equal(Path.Combine(_workdir, LocalConfiguration.FileName), sources["Training:Seed"]);
        Assert.Equal("command line", sources["Training:InputSize"]);
        Assert.Equal("default", sources["Policy:NewTilesThreshold"]);
        Assert.Equal("default", sources["Trainer:Device"]);
    }

    [Fact]
    public void Load_ConfigOptionNamesAMissingFile_SaysWhich()
    {
        var ex = Assert.Throws<AutoRetrainException>(() => LocalConfiguration.Load(_workdir, Path.Combine(_workdir, "nope.json"), Defaults, new Dictionary<string, string?>()));
        Assert.Contains("nope.json: file not found", ex.Message);
    }

    [Fact]
    public void Bind_ValueOfTheWrongType_SaysWhichSettingAndTheSources()
    {
        string file = Path.Combine(_workdir, "bad.json");
        File.WriteAllText(file, """{ "Training": { "Epochs": "many" } }""");
        var ex = Assert.Throws<AutoRetrainException>(() => LocalConfiguration.Load(_workdir, file, Defaults, new Dictionary<string, string?>()).Bind());
        Assert.Contains($"Training:Epochs = many ({file}): must be a whole number", ex.Message);
    }

    [Fact]
    public void Bind_ValuesOutOfRangeInEveryLayer_NamesEachKeyValueSourceAndRangeAtOnce()
    {
        string file = Path.Combine(_workdir, LocalConfiguration.FileName);
        File.WriteAllText(file, """{ "Gate": { "Confidence": 1.5 }, "Policy": { "NewTileFractionThreshold": 1.2 } }""");
        Environment.SetEnvironmentVariable("AUTORETRAIN__Training__Epochs", "-3");

        var ex = Assert.Throws<AutoRetrainException>(() => LocalConfiguration.Load(_workdir, null, Defaults,
            new Dictionary<string, string?> { ["Trainer:BatchSize"] = "0" }, new Dictionary<string, string> { ["Trainer:BatchSize"] = "--batch" }).Bind());

        Assert.Contains("4 problems", ex.Message);
        Assert.Contains($"Gate:Confidence = 1.5 ({file}): must be in (0, 1)", ex.Message);
        Assert.Contains($"Policy:NewTileFractionThreshold = 1.2 ({file}): must be in [0, 1]", ex.Message);
        Assert.Contains("Training:Epochs = -3 (environment AUTORETRAIN__Training__Epochs): must be at least 1", ex.Message);
        Assert.Contains("Trainer:BatchSize = 0 (command line --batch): must be at least 1", ex.Message);
    }

    [Fact]
    public void Bind_UnknownKey_IsRefusedWithTheNearestKnownOne()
    {
        string file = Path.Combine(_workdir, LocalConfiguration.FileName);
        File.WriteAllText(file, """{ "Training": { "Epoch": 5 }, "Strategies": [ "uniform" ] }""");
        var ex = Assert.Throws<AutoRetrainException>(() => LocalConfiguration.Load(_workdir, null, Defaults, new Dictionary<string, string?>()).Bind());
        Assert.Contains($"Training:Epoch = 5 ({file}): must be a known setting (did you mean Training:Epochs?)", ex.Message);
        Assert.DoesNotContain("Strategies", ex.Message); // a list's elements are known keys
    }

    [Fact]
    public void Bind_DefaultsOfEveryCommand_AreValid()
    {
        Assert.Empty(LocalSettingsValidator.Problems(Defaults));
        Assert.Empty(LocalSettingsValidator.Problems(Hosting.DemoRun.Defaults(Hosting.DemoSettings.Quick)));
        Assert.Empty(LocalSettingsValidator.Problems(Hosting.DemoRun.Defaults(Hosting.DemoSettings.Full)));
    }

    [Fact]
    public async Task Watch_InvalidEnvironmentValue_ExitsTwoBeforeIngestingAnything()
    {
        string incoming = Path.Combine(_workdir, "incoming");
        var (generated, generateOutput) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "generate", "--seed", "1", "--tiles", "2", "--size", "64", "--out", incoming);
        Assert.True(generated == 0, generateOutput);
        var files = Directory.GetFiles(incoming, "*", SearchOption.AllDirectories).Order().ToList();

        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["AUTORETRAIN__Gate__Confidence"] = "1.5" },
            "watch", "--once", "--workdir", _workdir);

        Assert.True(code == 2, output);
        Assert.Contains("Gate:Confidence = 1.5 (environment AUTORETRAIN__Gate__Confidence): must be in (0, 1)", output);
        Assert.Equal(files, Directory.GetFiles(incoming, "*", SearchOption.AllDirectories).Order().ToList()); // nothing ingested
        Assert.DoesNotContain("Watching", output);
    }

    [Fact]
    public async Task Demo_EpochsZero_ExitsTwoBeforeCreatingItsWorkspace()
    {
        string workdir = Path.Combine(_workdir, "demo");
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "demo", "--quick", "--workdir", workdir, "--epochs", "0");
        Assert.True(code == 2, output);
        Assert.Contains("Training:Epochs = 0 (command line --epochs): must be at least 1", output);
        Assert.False(Directory.Exists(workdir), "the demo started work before refusing its configuration");
    }

    [Fact]
    public async Task Train_NegativeEpochs_ExitsTwoNamingTheSettingBeforeWriting()
    {
        string output = Path.Combine(_workdir, "model");
        var (code, text) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2),
            "train", "--data", Path.Combine(_workdir, "none.json"), "--out", output, "--epochs", "-1");
        Assert.True(code == 2, text);
        Assert.Contains("epochs must be at least 1, got -1", text);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task ConfigShow_FractionAboveOneInTheFile_ExitsTwoNamingKeyValueFileAndRange()
    {
        string file = Path.Combine(_workdir, LocalConfiguration.FileName);
        File.WriteAllText(file, """{ "Training": { "BackgroundWindowFraction": 1.5 } }""");
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "config", "show", "--workdir", _workdir);
        Assert.True(code == 2, output);
        Assert.Contains($"Training:BackgroundWindowFraction = 1.5 ({file}): must be in [0, 1]", output);
    }

    [Fact]
    public async Task ConfigShow_Process_PrintsEffectiveValuesWithSources()
    {
        File.WriteAllText(Path.Combine(_workdir, LocalConfiguration.FileName), """{ "Gate": { "MinMapGain": 0.03 } }""");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "autoretrain.dll"), "config", "show", "--workdir", _workdir, "--epochs", "4" })
            info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("Training:Epochs") && l.Contains("= 4 ") && l.Contains("(command line)"));
        Assert.Contains(lines, l => l.Contains("Gate:MinMapGain") && l.Contains("0.03") && l.Contains("autoretrain.json"));
        Assert.Contains(lines, l => l.Contains("Training:Seed") && l.Contains("(default)"));
        Assert.Contains(lines, l => l.Contains("Strategies:0") && l.Contains("repeat-factor") && l.Contains("(default)"));
    }
}
