using System.Diagnostics;
using System.Text.Json;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local.Tracking;

namespace AutoRetrain.Core.Tests.Local;

public class MlflowFileStoreTrackerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"), "mlruns");

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Run_WritesMlflowFileStoreLayout()
    {
        var tracker = new MlflowFileStoreTracker(_root);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        string runId = await tracker.StartRunAsync("overhead", "cycle-0001", start);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["snapshot_id"] = "abc", ["seed"] = "42" });
        await tracker.LogMetricsAsync(runId, [
            new MetricPoint("loss", 1.5, 0, start.AddSeconds(1)),
            new MetricPoint("loss", 0.75, 1, start.AddSeconds(2)),
            new MetricPoint("AP50/plane", 0.625, 1, start.AddSeconds(2)),
        ]);
        await tracker.SetTagsAsync(runId, new Dictionary<string, string> { ["outcome"] = "promoted" });
        await tracker.LogArtifactAsync(runId, "model/metadata.json", "{}"u8.ToArray());
        await tracker.EndRunAsync(runId, TrackedRunStatus.Finished, start.AddSeconds(3));

        string experimentId = tracker.FindExperiment("overhead")!;
        Assert.Equal("1", experimentId);
        Assert.True(File.Exists(Path.Combine(_root, "0", "meta.yaml")));
        string run = Path.Combine(_root, experimentId, runId);
        Assert.Equal("abc", File.ReadAllText(Path.Combine(run, "params", "snapshot_id")));
        Assert.Equal(["1700000001000 1.5 0", "1700000002000 0.75 1"], File.ReadAllLines(Path.Combine(run, "metrics", "loss")));
        Assert.Equal("1700000002000 0.625 1", File.ReadAllText(Path.Combine(run, "metrics", "AP50", "plane")).Trim());
        Assert.Equal("promoted", File.ReadAllText(Path.Combine(run, "tags", "outcome")));
        Assert.Equal("cycle-0001", File.ReadAllText(Path.Combine(run, "tags", "mlflow.runName")));
        Assert.True(File.Exists(Path.Combine(run, "artifacts", "model", "metadata.json")));
        var meta = MlflowYaml.Read<MlflowRunMeta>(Path.Combine(run, "meta.yaml"));
        Assert.Equal((3, 1700000003000L, runId, "1", "cycle-0001"), (meta.Status, meta.EndTime, meta.RunId, meta.ExperimentId, meta.RunName));
        Assert.Equal(AutoRetrain.Core.BuildInfo.Commit, File.ReadAllText(Path.Combine(run, "tags", "mlflow.source.git.commit")));
        AssertMlflowReads(new Dictionary<string, string> { ["1"] = "overhead" });
    }

    /// <summary>Project and run names that YAML would read as a map, a boolean, a number or a comment.</summary>
    [Theory]
    [InlineData("roads: v2")]
    [InlineData("yes")]
    [InlineData("2024")]
    [InlineData("null")]
    [InlineData("# notes")]
    [InlineData("- list")]
    [InlineData("it's \"quoted\"")]
    [InlineData("Zürich 北京")]
    public async Task Names_YamlLookalikes_ReadBackAsTheSameStrings(string name)
    {
        var tracker = new MlflowFileStoreTracker(_root);
        string runId = await tracker.StartRunAsync(name, name, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await tracker.EndRunAsync(runId, TrackedRunStatus.Finished, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000));

        string experimentId = tracker.FindExperiment(name)!;
        Assert.Equal(name, MlflowYaml.Read<MlflowExperimentMeta>(Path.Combine(_root, experimentId, "meta.yaml")).Name);
        Assert.Equal(name, MlflowYaml.Read<MlflowRunMeta>(Path.Combine(tracker.RunDir(runId), "meta.yaml")).RunName);
        AssertMlflowReads(new Dictionary<string, string> { [experimentId] = name }, new Dictionary<string, string> { [runId] = name });
    }

    [Fact]
    public async Task Names_OutsideMlflowCharacters_MappedWithTheOriginalKeptAsATag()
    {
        var tracker = new MlflowFileStoreTracker(_root);
        string runId = await tracker.StartRunAsync("e", "r", DateTimeOffset.UnixEpoch);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await tracker.LogMetricsAsync(runId, [
            new MetricPoint("1-repeat-factor*active-bias/loss", 0.5, 1, at),
            new MetricPoint("AP50/car (small)", 0.25, 1, at),
            new MetricPoint("AP50/car [small]", 0.125, 1, at),
            new MetricPoint("a//b/../c", 1, 1, at),
        ]);
        await tracker.LogParamsAsync(runId, new Dictionary<string, string> { ["strategy:name"] = "uniform" });
        await tracker.SetTagsAsync(runId, new Dictionary<string, string> { ["why?"] = "because" });

        string run = tracker.RunDir(runId);
        string Original(string mapped) => File.ReadAllText(Path.Combine(run, "tags", MlflowNames.OriginalTagPrefix + mapped));
        Assert.Equal("1700000000000 0.5 1", File.ReadAllText(Path.Combine(run, "metrics", "1-repeat-factor_active-bias", "loss")).Trim());
        Assert.Equal("1-repeat-factor*active-bias/loss", Original("1-repeat-factor_active-bias/loss"));
        Assert.Equal("AP50/car (small)", Original("AP50/car _small_"));
        // Two originals with the same mapping keep apart.
        Assert.Equal("AP50/car [small]", Original("AP50/car _small__2"));
        Assert.Equal("1700000000000 0.125 1", File.ReadAllText(Path.Combine(run, "metrics", "AP50", "car _small__2")).Trim());
        Assert.Equal("a//b/../c", Original("a/_/b/_/c"));
        Assert.Equal("uniform", File.ReadAllText(Path.Combine(run, "params", "strategy_name")));
        Assert.Equal("because", File.ReadAllText(Path.Combine(run, "tags", "why_")));
        AssertMlflowReads(new Dictionary<string, string> { ["1"] = "e" });
    }

    [Fact]
    public async Task StartRun_LiveRunOfTheSameName_ContinuesItWithoutRepeatingPoints()
    {
        var tracker = new MlflowFileStoreTracker(_root);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        string live = await tracker.StartRunAsync("p", "p-cycle-0001", start.AddSeconds(5));
        await tracker.SetTagsAsync(live, new Dictionary<string, string> { [MlflowFileStoreTracker.LiveTag] = "true" });
        await tracker.LogMetricsAsync(live, [new MetricPoint("loss", 2, 1, start.AddSeconds(10)), new MetricPoint("loss", 1, 2, start.AddSeconds(20))]);

        // The cycle's final record: same run, earlier start, the epochs again with the end time, one new point.
        string final = await tracker.StartRunAsync("p", "p-cycle-0001", start);
        await tracker.LogMetricsAsync(final, [
            new MetricPoint("loss", 2, 1, start.AddSeconds(60)), new MetricPoint("loss", 1, 2, start.AddSeconds(60)),
            new MetricPoint("mAP50", 0.5, 0, start.AddSeconds(60)),
        ]);
        await tracker.EndRunAsync(final, TrackedRunStatus.Finished, start.AddSeconds(60));

        Assert.Equal(live, final);
        string run = tracker.RunDir(live);
        Assert.Equal(["1700000010000 2 1", "1700000020000 1 2"], File.ReadAllLines(Path.Combine(run, "metrics", "loss")));
        Assert.Equal(1_700_000_000_000, MlflowYaml.Read<MlflowRunMeta>(Path.Combine(run, "meta.yaml")).StartTime);
        // A finished run is never continued: the next cycle of the same name (a rerun) gets a run of its own.
        Assert.NotEqual(live, await tracker.StartRunAsync("p", "p-cycle-0001", start.AddSeconds(90)));
        AssertMlflowReads(new Dictionary<string, string> { ["1"] = "p" });
    }

    [Fact]
    public void BuildInfo_InformationalVersion_CommitAfterThePlusOrUnknown()
    {
        Assert.Equal("62194a03b586ce1229e23bc4bbf2d2fb91221492", AutoRetrain.Core.BuildInfo.CommitOf("0.1.0+62194a03b586ce1229e23bc4bbf2d2fb91221492"));
        Assert.Equal("unknown", AutoRetrain.Core.BuildInfo.CommitOf("0.1.0"));
        Assert.Equal("unknown", AutoRetrain.Core.BuildInfo.CommitOf(null));
        // This build comes from a git checkout: its commit is recorded.
        Assert.Matches("^[0-9a-f]{40}$", AutoRetrain.Core.BuildInfo.Commit);
    }

    /// <summary>
    /// Every file the store wrote, read as MLflow would: each meta.yaml parsed by YamlDotNet and by Python's YAML
    /// parser (names as strings, ids as strings, times as integers), and every metric, param and tag name checked
    /// against MLflow's rules (its regular expression, and a path that normalises to itself).
    /// </summary>
    private void AssertMlflowReads(IReadOnlyDictionary<string, string> experiments, IReadOnlyDictionary<string, string>? runs = null)
    {
        foreach (var meta in Directory.EnumerateFiles(_root, "meta.yaml", SearchOption.AllDirectories))
        {
            if (Path.GetDirectoryName(Path.GetDirectoryName(meta)) == _root) MlflowYaml.Read<MlflowExperimentMeta>(meta);
            else MlflowYaml.Read<MlflowRunMeta>(meta);
        }
        string expected = Path.Combine(Path.GetDirectoryName(_root)!, "expected.json");
        File.WriteAllText(expected, JsonSerializer.Serialize(new { experiments, runs = runs ?? new Dictionary<string, string>() }));
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", CheckScript, _root, expected }) info.ArgumentList.Add(a);
        using var python = Process.Start(info)!;
        string output = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, output);
        Assert.Contains("checked", output);
    }

    private const string CheckScript = """
        import json, os, re, sys, yaml
        root, expected = sys.argv[1], json.load(open(sys.argv[2]))
        name_ok = re.compile(r"^[/\w.\- ]*$")
        names = 0
        for exp in os.listdir(root):
            meta = yaml.safe_load(open(os.path.join(root, exp, "meta.yaml"), encoding="utf-8"))
            assert isinstance(meta["experiment_id"], str) and meta["experiment_id"] == exp, meta
            assert isinstance(meta["name"], str), meta
            assert isinstance(meta["creation_time"], int), meta
            if exp in expected["experiments"]:
                assert meta["name"] == expected["experiments"][exp], (meta["name"], expected["experiments"][exp])
            for run in os.listdir(os.path.join(root, exp)):
                run_dir = os.path.join(root, exp, run)
                if not os.path.isdir(run_dir):
                    continue
                r = yaml.safe_load(open(os.path.join(run_dir, "meta.yaml"), encoding="utf-8"))
                assert r["run_id"] == run and r["run_uuid"] == run and r["experiment_id"] == exp, r
                assert isinstance(r["run_name"], str) and isinstance(r["start_time"], int) and isinstance(r["status"], int), r
                assert r["end_time"] is None or isinstance(r["end_time"], int), r
                if run in expected["runs"]:
                    assert r["run_name"] == expected["runs"][run], r
                for kind in ("metrics", "params", "tags"):
                    base = os.path.join(run_dir, kind)
                    for folder, _, files in os.walk(base):
                        for f in files:
                            name = os.path.relpath(os.path.join(folder, f), base)
                            assert name_ok.match(name) and os.path.normpath(name) == name and len(name) <= 250, (kind, name)
                            names += 1
        print("checked", names, "names")
        """;

    [Fact]
    public async Task StartRun_SameExperimentTwice_OneExperimentTwoRuns()
    {
        var tracker = new MlflowFileStoreTracker(_root);
        string a = await tracker.StartRunAsync("e", "a", DateTimeOffset.UnixEpoch);
        string b = await tracker.StartRunAsync("e", "b", DateTimeOffset.UnixEpoch);
        Assert.NotEqual(a, b);
        Assert.Equal(Path.GetDirectoryName(tracker.RunDir(a)), Path.GetDirectoryName(tracker.RunDir(b)));
    }
}
