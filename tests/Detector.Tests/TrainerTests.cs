using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>One tiny model overfitted once on a handful of 64×64 tiles, shared by the tests that only read it.</summary>
public sealed class OverfittedModel : IDisposable
{
    public static readonly string[] TwoClasses = ["boat", "car"];
    private readonly TempFolder folder = new();
    public string Folder => folder.Path;
    public TrainingResult Result { get; }

    public OverfittedModel()
    {
        var tiles = ShapeTiles.Make(6, 64, TwoClasses, seed: 1);
        Result = TrainerTests.Train(new TileDataset("s", tiles, tiles), Folder, TrainerTests.Quick(40) with { TargetMap50 = 0.97 });
    }

    public void Dispose() => folder.Dispose();
}

public class TrainerTests(OverfittedModel trained) : IClassFixture<OverfittedModel>
{
    private static readonly string[] TwoClasses = OverfittedModel.TwoClasses;

    internal static TrainerOptions Quick(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 4, InputSize = 64, LearningRate = 5e-3, Patience = 100, Seed = 7,
        Augmentation = AugmentationOptions.None,
    };

    internal static TrainingResult Train(TileDataset data, string outFolder, TrainerOptions options, string? baseModel = null, StringWriter? log = null) =>
        new Trainer(new ProgressWriter(log ?? new StringWriter())).Train(
            new TrainingRequest(data, outFolder, options, CPU) { BaseModelFolder = baseModel });

    [Fact]
    public void Train_HandfulOfTiles_OverfitsThem()
    {
        Assert.True(trained.Result.BestValMap50 >= 0.9, $"mAP50 on the training tiles was {trained.Result.BestValMap50}");
        Assert.True(File.Exists(Path.Combine(trained.Folder, ModelArtefact.WeightsFile)));
    }

    [Fact]
    public void Train_SameSeedTwice_GivesSameLossesAndPredictions()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(6, 64, TwoClasses, seed: 2);
        var data = new TileDataset("s", tiles, tiles.Take(2).ToList());
        var options = Quick(2) with { Augmentation = new AugmentationOptions() };
        var (first, second) = (new StringWriter(), new StringWriter());
        Train(data, folder.Sub("a"), options, log: first);
        Train(data, folder.Sub("b"), options, log: second);

        static IEnumerable<string> Losses(StringWriter w) => w.ToString().Split('\n').Where(l => l.Contains("\"epoch\"", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble().ToString("R"));
        Assert.Equal(Losses(first), Losses(second));
        Assert.Equal(2, Losses(first).Count());
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Sub("a"), ModelArtefact.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(folder.Sub("b"), ModelArtefact.WeightsFile)));
    }

    [Fact]
    public void Train_LossBecomesNonFinite_StopsAtOnceNamingEpochStepAndLearningRate()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(8, 64, TwoClasses, seed: 3);

        // AdamW moves every weight by about the learning rate at each step: at 1e30 the next forward overflows.
        var error = Assert.Throws<TrainingDivergedException>(() =>
            Train(new TileDataset("s", tiles, tiles), folder.Sub("nan"), Quick(3) with { LearningRate = 1e30 }));

        Assert.Contains("training diverged", error.Message);
        Assert.Contains("at epoch 1, step 2 ", error.Message);
        Assert.Contains("learningRate", error.Message);
        Assert.False(File.Exists(Path.Combine(folder.Sub("nan"), ModelArtefact.WeightsFile)), "a diverged run saved a model");
    }

    [Fact]
    public void SaveLoad_RoundTrip_GivesIdenticalOutputs()
    {
        var (a, metadata) = ModelArtefact.Load(trained.Folder);
        var (b, _) = ModelArtefact.Load(trained.Folder);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        random.manual_seed(5);
        var input = randn(2, 3, 64, 64);
        Assert.Equal(TwoClasses, metadata.Classes);
        Assert.True(a.call(input).eq(b.call(input)).all().item<bool>());
        a.Dispose(); b.Dispose();
    }

    [Fact]
    public void Train_WarmStartWithNewClass_AppendsClassAndKeepsOldClassOutputsAtStart()
    {
        var (baseModel, baseMetadata) = ModelArtefact.Load(trained.Folder);

        var grownClasses = WarmStart.GrowClassList(baseMetadata.Classes, ["tank", "boat", "car"]);
        using var grown = new CenterNet(DetectorArchitecture.Named(baseMetadata.Architecture), grownClasses.Count);
        WarmStart.CopyWeights(baseModel, grown);
        grown.eval();

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = randn(1, 3, 64, 64);
        var before = baseModel.call(input);
        var after = grown.call(input);
        Assert.Equal(["boat", "car", "tank"], grownClasses);
        Assert.True(before.narrow(1, 0, 2).eq(after.narrow(1, 0, 2)).all().item<bool>(), "old class heatmaps changed");
        Assert.True(before.narrow(1, 2, 4).eq(after.narrow(1, 3, 4)).all().item<bool>(), "size/offset heads changed");
        baseModel.Dispose();
    }

    [Fact]
    public void Train_BaseModelAndNewClassInData_WritesGrownArtefactAndTileStats()
    {
        using var folder = new TempFolder();
        var withTank = ShapeTiles.Make(4, 64, ["boat", "car", "tank"], seed: 6);
        Train(new TileDataset("s2", withTank, withTank), folder.Sub("next"), Quick(1), baseModel: trained.Folder);

        var metadata = ModelArtefact.ReadMetadata(folder.Sub("next"));
        Assert.Equal(["boat", "car", "tank"], metadata.Classes);
        Assert.Equal(trained.Folder, metadata.BaseModel);
        string statsPath = Path.Combine(folder.Sub("next"), Trainer.StatsFile);
        var stats = TileTrainingStatsFile.Read(File.ReadAllText(statsPath), statsPath);
        Assert.Equal(withTank.Select(t => t.TileId), stats.Select(s => s.TileId));
        Assert.All(stats.Zip(withTank), p => Assert.Equal(p.Second.Objects.Count, p.First.TrueClassProbabilities.Count));
        Assert.All(stats, s => Assert.All(s.TrueClassProbabilities, p => Assert.InRange(p, 0, 1)));
    }

    [Fact]
    public void ForWarmStart_DefaultOptions_TakesAThirdOfTheEpochsAndHalfThePeak()
    {
        var cold = new TrainerOptions { Epochs = 11, LearningRate = 4e-3 };

        var warm = cold.ForWarmStart();

        Assert.Equal(4, warm.Epochs);
        Assert.Equal(10, (cold with { Epochs = 30 }).ForWarmStart().Epochs);
        Assert.Equal(2e-3, warm.LearningRate, 12);
        Assert.Equal(cold.WarmupFraction, warm.WarmupFraction);
        Assert.Equal(1, (cold with { Epochs = 1 }).ForWarmStart().Epochs);
        Assert.Equal(34, (cold with { MaxSteps = 100 }).ForWarmStart().MaxSteps);
        var unchanged = cold with { WarmStartEpochFraction = 1, WarmStartLearningRateFactor = 1 };
        Assert.Equal(unchanged, unchanged.ForWarmStart());
    }

    [Fact]
    public void Validated_WarmStartFractionOutsideItsRange_IsRefusedNamingTheField()
    {
        var ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => new TrainerOptions { WarmStartEpochFraction = 0 }.Validated("cfg.json"));
        Assert.Contains("cfg.json: warmStartEpochFraction", ex.Message);
    }

    [Fact]
    public void Train_FromABaseModel_RunsTheWarmStartScheduleAndSaysSo()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(4, 64, TwoClasses, seed: 8);
        var log = new StringWriter();

        var result = Train(new TileDataset("s3", tiles, tiles), folder.Sub("warm"), Quick(4), baseModel: trained.Folder, log: log);

        var start = System.Text.Json.JsonDocument.Parse(log.ToString().Split('\n').First(l => l.Contains("\"start\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("warm-start", start.GetProperty("schedule").GetString());
        Assert.Equal(2, start.GetProperty("epochs").GetInt32());
        Assert.Equal(2.5e-3, start.GetProperty("learningRate").GetDouble(), 12);
        Assert.True(result.Epochs <= 2);
    }

    [Fact]
    public void TileStats_TileOfTwoChips_CoversBothChipsAsIfTheyWereTwoTiles()
    {
        var (left, right) = (ShapeTiles.Make(1, 64, TwoClasses, seed: 21)[0], ShapeTiles.Make(1, 64, TwoClasses, seed: 22)[0]);
        var rgb = new byte[128 * 64 * 3];
        for (int y = 0; y < 64; y++)
        {
            left.Rgb.AsSpan(y * 64 * 3, 64 * 3).CopyTo(rgb.AsSpan(y * 128 * 3));
            right.Rgb.AsSpan(y * 64 * 3, 64 * 3).CopyTo(rgb.AsSpan((y * 128 + 64) * 3));
        }
        var objects = left.Objects.Concat(right.Objects.Select(o =>
            LabelObject.Of(o.Class, new BoundingBox(o.Bounds.XMin + 64, o.Bounds.YMin, o.Bounds.XMax + 64, o.Bounds.YMax)))).ToList();
        var wide = new LabelledTile("wide", "memory", 128, 64, rgb, objects);
        var classIndex = TwoClasses.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var (model, metadata) = ModelArtefact.Load(trained.Folder);
        using (model)
        {
            var halves = TileStatsCollector.Collect(model, [left, right], classIndex, 64, metadata.Normalisation, CPU, 4, "c", "m");
            var whole = Assert.Single(TileStatsCollector.Collect(model, [wide], classIndex, 64, metadata.Normalisation, CPU, 4, "c", "m"));

            Assert.Equal((halves[0].Loss + halves[1].Loss) / 2, whole.Loss, 4);
            Assert.Equal(objects.Count, whole.TrueClassProbabilities.Count);
            var expected = halves[0].TrueClassProbabilities.Concat(halves[1].TrueClassProbabilities).ToList();
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], whole.TrueClassProbabilities[i], 5);
        }
    }

    [Fact]
    public void Load_WeightsThatDoNotMatchMetadata_RefusesWithClearMessage()
    {
        using var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(trained.Folder)) File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        string metadataPath = Path.Combine(folder.Path, ModelArtefact.MetadataFile);
        var metadata = ModelArtefact.ReadMetadata(folder.Path);
        File.WriteAllText(metadataPath, Json.Serialize(metadata with { Classes = ["a", "b", "c"] }));

        var error = Assert.Throws<AutoRetrainException>(() => ModelArtefact.Load(folder.Path));
        Assert.Contains("do not fit", error.Message);

        File.WriteAllText(metadataPath, Json.Serialize(metadata with { Format = 99 }));
        Assert.Contains("format 99", Assert.Throws<AutoRetrainException>(() => ModelArtefact.ReadMetadata(folder.Path)).Message);
    }

    [Fact]
    public void Predict_SceneOfTwoChips_FindsEachChipsObjectsInSceneCoordinates()
    {
        var (model, metadata) = ModelArtefact.Load(trained.Folder);
        using (model)
        {
            // A 128×64 scene holding training tile 0 twice, side by side: with no overlap it is cut into exactly those two chips.
            var tile = ShapeTiles.Make(6, 64, TwoClasses, seed: 1)[0];
            var scene = new byte[128 * 64 * 3];
            for (int y = 0; y < 64; y++)
            {
                Array.Copy(tile.Rgb, y * 64 * 3, scene, y * 128 * 3, 64 * 3);
                Array.Copy(tile.Rgb, y * 64 * 3, scene, (y * 128 + 64) * 3, 64 * 3);
            }
            var predictor = new ScenePredictor(model, metadata.InputSize, metadata.Normalisation, CPU, new PredictionOptions { Overlap = 0 });

            var detections = predictor.Predict([new SceneImage(scene, 128, 64)])[0];

            // What is tested is the chip-to-scene translation: a box put in the wrong chip or left unshifted overlaps
            // nothing, while this 40-epoch toy model's boxes on 12-px squares sit near IoU 0.5 either way.
            Assert.NotEmpty(tile.Objects);
            foreach (var shift in new[] { 0, 64 })
                Assert.All(tile.Objects, o => Assert.Contains(detections,
                    d => metadata.Classes[d.ClassIndex] == o.Class && d.Box.IoU(o.Bounds.Translate(shift, 0)) > 0.3));
        }
    }
}
