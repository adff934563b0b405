using AutoRetrain.Cloud.Storage;
using AutoRetrain.Cloud.Tracking;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Functions.Tests.MachineLearning;

public sealed class MlflowRestTrackerTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 16, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task StartRunAsync_TwoRunsOfANewExperiment_CreatesTheExperimentOnceAndTagsEachRun()
    {
        await using var mlflow = new FakeMlflow();

        string first = await mlflow.Tracker.StartRunAsync("autoretrain-default", "cycle-0001/uniform", At);
        string second = await mlflow.Tracker.StartRunAsync("autoretrain-default", "cycle-0001/repeat-factor", At);

        Assert.Single(mlflow.Experiments);
        Assert.Single(mlflow.Server.Requests, r => r.Path.EndsWith("experiments/create", StringComparison.Ordinal));
        Assert.NotEqual(first, second);
        Assert.Equal("cycle-0001/uniform", mlflow.Runs[first].Tags["mlflow.runName"]);
        Assert.Equal($"runs/mlflow/{first}/", mlflow.Runs[first].Tags[MlflowRestTracker.ArtifactLocationTag]);
    }

    [Fact]
    public async Task StartRunAsync_ExistingExperiment_IsReused()
    {
        await using var mlflow = new FakeMlflow();
        mlflow.Experiments["autoretrain-default"] = "42";

        string run = await mlflow.Tracker.StartRunAsync("autoretrain-default", "r", At);

        Assert.Equal("42", mlflow.Runs[run].ExperimentId);
        Assert.DoesNotContain(mlflow.Server.Requests, r => r.Path.EndsWith("experiments/create", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogParamsAsync_MoreThanOneBatch_IsSplitWithinTheLogBatchLimit()
    {
        await using var mlflow = new FakeMlflow();
        string run = await mlflow.Tracker.StartRunAsync("e", "r", At);
        var parameters = Enumerable.Range(0, 150).ToDictionary(i => $"p{i}", i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await mlflow.Tracker.LogParamsAsync(run, parameters);

        Assert.Equal(150, mlflow.Runs[run].Params.Count);
        Assert.Equal("149", mlflow.Runs[run].Params["p149"]);
    }

    [Fact]
    public async Task LogMetricsAsync_StepsAndTimestamps_ArriveAsMlflowMetricsAndNonFiniteValuesAreLeftOut()
    {
        await using var mlflow = new FakeMlflow();
        string run = await mlflow.Tracker.StartRunAsync("e", "r", At);

        await mlflow.Tracker.LogMetricsAsync(run,
        [
            new MetricPoint("loss", 1.25, 1, At), new MetricPoint("loss", 0.75, 2, At.AddSeconds(30)),
            new MetricPoint("val/mAP50", 0.5, 2, At.AddSeconds(31)), new MetricPoint("loss", double.NaN, 3, At.AddSeconds(60)),
        ]);

        var metrics = mlflow.Runs[run].Metrics.ToList();
        Assert.Equal(3, metrics.Count);
        Assert.Equal(("loss", 0.75, At.AddSeconds(30).ToUnixTimeMilliseconds(), 2L), metrics[1]);
        Assert.Equal("val/mAP50", metrics[2].Key);
    }

    [Fact]
    public async Task EndRunAsync_Failed_SetsTheStatusAndEndTime()
    {
        await using var mlflow = new FakeMlflow();
        string run = await mlflow.Tracker.StartRunAsync("e", "r", At);

        await mlflow.Tracker.EndRunAsync(run, TrackedRunStatus.Failed, At.AddMinutes(5));

        Assert.Equal("FAILED", mlflow.Runs[run].Status);
        Assert.Equal(At.AddMinutes(5).ToUnixTimeMilliseconds(), mlflow.Runs[run].EndTime);
    }

    [Fact]
    public async Task LogArtifactAsync_Report_IsStoredInTheRunsContainerUnderTheRun()
    {
        await using var mlflow = new FakeMlflow();
        string run = await mlflow.Tracker.StartRunAsync("e", "r", At);

        await mlflow.Tracker.LogArtifactAsync(run, "report/summary.json", "{}"u8.ToArray());

        var store = new BlobArtifactStore(Azurite.Connect().Blobs);
        Assert.Equal("{}"u8.ToArray(), await store.GetAsync(Containers.Runs, $"mlflow/{run}/report/summary.json"));
    }
}
