using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Synthetic;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// <c>demo --data</c>: a folder of labelled images (sidecars, as <c>import</c> writes) replayed as a stream with a fixed
/// holdout, through the same loop, table, report and MLflow runs as the generated demo.
/// </summary>
public class DemoLabelledFolderTests
{
    /// <summary>Generated 128-px tiles written as a flat folder of PNG + sidecar, like an imported real data set.</summary>
    private static string LabelledFolder(int tiles)
    {
        string folder = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"), "labelled");
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 11, TileSize = 128, NamePrefix = "scene" });
        new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png).WriteTiles(folder, 0, tiles);
        return folder;
    }

    [Fact]
    public void LabelledFolderStream_FlatFolder_StreamsByNameWithAFixedHashedHoldout()
    {
        string folder = LabelledFolder(40);

        var stream = new LabelledFolderStream(folder, batchCount: 3, holdoutFraction: 0.25);

        var names = Directory.EnumerateFiles(folder, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var holdout = names.Where(n => LabelledFolderStream.InHoldout(n!, 0.25)).ToList();
        Assert.InRange(holdout.Count, 3, 20);
        Assert.Equal(holdout.Count, stream.HoldoutImages);
        Assert.Equal(40 - holdout.Count, stream.Batches.Sum(b => b.Tiles));
        Assert.Equal(3, stream.Batches.Count);
        Assert.True(stream.Batches.Max(b => b.Tiles) - stream.Batches.Min(b => b.Tiles) <= 1);

        string into = Path.Combine(folder, "..", "incoming");
        stream.WriteBatch(stream.Batches[0], into);
        var first = Directory.EnumerateFiles(into, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names.Except(holdout).Take(stream.Batches[0].Tiles), first);
        Assert.All(first, n => Assert.True(File.Exists(Path.Combine(into, LabelFile.SidecarNameFor(n!)))));
        Assert.DoesNotContain(first, holdout.Contains);
    }

    [Fact]
    public void LabelledFolderStream_TrainAndValFolders_ValIsTheHoldout()
    {
        string root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 3, TileSize = 64 });
        var writer = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png);
        writer.WriteTiles(Path.Combine(root, "train"), 0, 9);
        writer.WriteTiles(Path.Combine(root, "val"), 100, 4);

        var stream = new LabelledFolderStream(root, batchCount: 2, holdoutFraction: 0.5);

        Assert.Equal(4, stream.HoldoutImages);
        Assert.Equal([5, 4], stream.Batches.Select(b => b.Tiles));
        Assert.Subset(SyntheticClasses.All.Select(c => c.Name).ToHashSet(), stream.Classes.ToHashSet());
        Assert.Equal(stream.Classes.Order(StringComparer.Ordinal), stream.Classes);
    }

    [Fact]
    public void ForLabelledStream_KeepsTheContractsWarmStartFractionAndLeavesTheScaleToTheTrainer()
    {
        var stream = new LabelledFolderStream(LabelledFolder(12), batchCount: 3, holdoutFraction: 0.25);

        var settings = DemoSettings.ForLabelledStream(DemoSettings.Full, stream);

        Assert.Equal(new Core.Cycles.TrainingConfig().WarmStartEpochFraction, settings.WarmStartEpochFraction);
        Assert.Equal(0.5, DemoSettings.Full.WarmStartEpochFraction);
        Assert.Null(settings.InputScale);
        Assert.Equal((3, stream.HoldoutImages), (settings.Batches, settings.HoldoutTiles));
    }

    [Fact]
    public void LabelledFolderStream_EmptyFolder_SaysWhatIsMissing()
    {
        string folder = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var error = Assert.Throws<AutoRetrainException>(() => new LabelledFolderStream(folder, 3, 0.2));
        Assert.Contains("no images with a .labels.json sidecar", error.Message);
    }

    [Fact]
    public async Task DemoData_LabelledFolder_ReplaysItThroughTheLoopWithAFixedHoldout()
    {
        string folder = LabelledFolder(52);
        int holdout = Directory.EnumerateFiles(folder, "*.png").Count(f => LabelledFolderStream.InHoldout(Path.GetFileName(f), 0.25));

        var run = await DemoProcess.RunAsync(false, "--data", folder, "--batches", "2", "--holdout-fraction", "0.25", "--epochs", "12");

        var summary = run.Summary;
        Assert.Equal(2, summary.Batches);
        Assert.True(summary.Cycles.Count >= 1, $"no cycle ran:\n{run.Output}");
        Assert.NotNull(summary.Champion);
        Assert.Contains("labelled", run.Output);
        var scores = summary.Cycles.Select(c => c.HoldoutChampionMap50).OfType<double>().ToList();
        Assert.NotEmpty(scores);
        Assert.True(scores[^1] > 0.05, $"the champion scored {scores[^1]} on the holdout:\n{run.Output}");
        for (int i = 1; i < scores.Count; i++)
            Assert.True(scores[i] >= scores[i - 1] - 1e-9, $"holdout mAP50 fell from {scores[i - 1]} to {scores[i]}");
        Assert.Equal(holdout, Directory.EnumerateFiles(Path.Combine(run.Workdir, "datasets", "holdout"), "*.png").Count());
        Assert.True(File.Exists(summary.Report));
        var runs = Directory.EnumerateFiles(summary.Mlruns, "meta.yaml", SearchOption.AllDirectories)
            .Where(f => Directory.Exists(Path.Combine(Path.GetDirectoryName(f)!, "metrics"))).ToList();
        Assert.Equal(summary.Cycles.Count, runs.Count);
        Assert.Equal(summary.Batches, summary.Decisions.Count);
    }
}
