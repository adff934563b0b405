using System.CommandLine;
using System.Text.Json;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.CommandLine;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Imagery.Rasters;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// The training scenes' ground sample distance is recorded in the model, and a scene of another resolution is read at the
/// scale that gives it the metres per chip pixel the model learnt.
/// </summary>
public class GroundSampleTests
{
    [Theory]
    [InlineData(0.5, 1.0, 2.0)]    // coarser scene: objects are half as many pixels, so it is read at twice the scale
    [InlineData(0.5, 0.25, 0.5)]   // finer: half the scale
    [InlineData(0.5, 0.53, 1.0)]   // within 10 %: the model's own scale
    [InlineData(0.5, null, 1.0)]   // the scene's unknown
    [InlineData(null, 1.0, 1.0)]   // the model's unknown
    [InlineData(0.5, 10.0, 4.0)]   // clamped to the largest scale
    public void ForScene_ScalesByTheRatioOfGroundSampleDistances(double? model, double? scene, double expected)
    {
        Assert.Equal(expected, InputScale.ForScene(1.0, model, scene, 256), 9);
    }

    [Fact]
    public void TrainingGroundSample_IsTheMedianWhenAtLeastHalfTheTilesHaveOne()
    {
        var tiles = ShapeTiles.Make(4, 32, ["car"], seed: 1);
        LabelledTile[] With(params double?[] g) => tiles.Select((t, i) => t with { GroundSampleMetres = g[i] }).ToArray();

        Assert.Equal(0.5, InputScale.TrainingGroundSample(With(0.3, 0.5, 0.5, 0.6)));
        Assert.Equal(0.6, InputScale.TrainingGroundSample(With(0.3, 0.6, null, null)));
        Assert.Null(InputScale.TrainingGroundSample(With(0.3, null, null, null)));
    }

    [Fact]
    public void Train_GeoreferencedTiles_RecordsTheirGroundSampleDistanceInTheModel()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(4, 64, ["boat", "car"], seed: 2)
            .Select((t, i) => t with { GroundSampleMetres = i == 0 ? 0.6 : 0.3 }).ToList();

        TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(1).ToList()), folder.Path, TrainerTests.Quick(1) with { MaxSteps = 1 });

        Assert.Equal(0.3, ModelArtefact.ReadMetadata(folder.Path).GroundSampleMetres);
    }

    [Fact]
    public void Predict_SceneTwiceAsCoarseAsTheTrainingScenes_IsReadAtTwiceTheModelsScale()
    {
        using var folder = new TempFolder();
        random.manual_seed(5);
        using var model = new CenterNet(DetectorArchitecture.Nano, 2);
        // Boxes of about 3 cells, so the untrained model's peaks survive the stitching's empty-box filter.
        using (no_grad()) model.named_parameters().Single(p => p.name == "size.2.bias").parameter.fill_(3.0);
        string modelFolder = folder.Sub("model");
        ModelArtefact.Save(model, new ModelMetadata
        {
            Architecture = "nano", Classes = ["boat", "car"], InputSize = 64, InputScale = 1, GroundSampleMetres = 0.5,
            OutputStride = DetectorArchitecture.OutputStride, Normalisation = Normalisation.Default, CodeVersion = ModelArtefact.CodeVersion,
        }, modelFolder);
        // A 1-m scene (UTM 31N): the model learnt 0.5-m pixels.
        var tile = ShapeTiles.Make(1, 200, ["boat", "car"], seed: 9, objectsPerTile: 12, objectSize: 10)[0];
        var samples = tile.Rgb.Select(b => (ushort)b).ToArray();
        string images = folder.Sub("images");
        Directory.CreateDirectory(images);
        File.WriteAllBytes(Path.Combine(images, "scene.tif"), ImageWriter.EncodeGeoTiff(
            new RasterImage(new ImageInfo(ImageFormat.Tiff, 200, 200, 3, 8), samples), new GeoReference([500_000, 1, 0, 4_600_000, 0, -1], 32631)));
        string outPath = folder.Sub("detections.json");

        var root = new RootCommand("test");
        foreach (var command in TrainerCommands.All()) root.Subcommands.Add(command);
        Assert.Equal(TrainerCommands.Success, root.Parse(["predict", "--model", modelFolder, "--images", images, "--out", outPath, "--device", "cpu"]).Invoke());

        var predicted = JsonDocument.Parse(File.ReadAllText(outPath)).RootElement.EnumerateArray()
            .Select(r => r.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        var atTwice = new ScenePredictor(model, 64, Normalisation.Default, CPU, inputScale: 2)
            .Predict([new SceneImage(tile.Rgb, 200, 200)])[0];
        var atOnce = new ScenePredictor(model, 64, Normalisation.Default, CPU, inputScale: 1)
            .Predict([new SceneImage(tile.Rgb, 200, 200)])[0];
        Assert.True(atTwice.Count > 5, $"{atTwice.Count} detections");
        Assert.Equal(atTwice.Count, predicted.Count);
        Assert.All(atTwice.Zip(predicted), p => Assert.Equal(p.First.Box.XMin, p.Second[0], 6));
        Assert.NotEqual(atOnce.Select(d => d.Box), atTwice.Select(d => d.Box)); // the scale made a difference
    }
}
