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
        string meta = File.ReadAllText(Path.Combine(run, "meta.yaml"));
        Assert.Contains("status: 3", meta);
        Assert.Contains("end_time: 1700000003000", meta);
        Assert.Contains($"run_id: {runId}", meta);
        Assert.Contains("experiment_id: '1'", meta);
    }

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
