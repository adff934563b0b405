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
        Assert.Contains("Epochs", ex.Message);
        Assert.Contains("bad.json", ex.Message);
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
