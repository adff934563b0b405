using System.CommandLine;
using System.Text.Json;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.CommandLine;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Evaluation;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class SceneValidationTests
{
    private static readonly string[] Classes = ["boat", "car"];

    private static int Run(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in TrainerCommands.All()) root.Subcommands.Add(command);
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Evaluate_ScenesLargerThanAChip_EqualsPredictThenCocoEvaluate()
    {
        using var folder = new TempFolder();
        string[] classes = Classes;
        string modelFolder = folder.Sub("model");
        TrainOnSquares(modelFolder);
        // Validation scenes of 64 to 150 px against 64-px chips (overlap 32): the larger ones are cut into several overlapping chips.
        var scenes = new[] { 64, 100, 150 }.SelectMany((size, i) => ShapeTiles.Make(2, size, classes, seed: 30 + i, objectsPerTile: 8))
            .Select((t, i) => t with { TileId = $"scene-{i:D2}" }).ToList();
        ShapeTiles.WriteFolder(scenes, folder.Sub("val"));
        var tiles = DatasetReader.ReadImages(folder.Sub("val"));

        var (model, metadata) = ModelArtefact.Load(modelFolder);
        EvaluationResult validation;
        using (model) validation = DetectorEvaluator.Evaluate(model, metadata, CPU, tiles);

        Assert.Equal(TrainerCommands.Success,
            Run("predict", "--model", modelFolder, "--images", folder.Sub("val"), "--out", folder.Sub("dets.json"), "--device", "cpu"));
        WriteCocoGroundTruth(tiles, metadata.Classes, folder.Sub("gt.json"));
        var dataset = CocoJsonReader.ReadGroundTruth(folder.Sub("gt.json"));
        var coco = CocoEvaluator.Evaluate(dataset.Images, CocoJsonReader.ReadResults(folder.Sub("dets.json"), dataset), dataset.Categories);

        Assert.True(coco.AP50 > 0.3, $"the trained model finds the squares (COCO AP50 {coco.AP50})");
        Assert.Equal(coco.AP, validation.CocoAp, 12);
        Assert.Equal(coco.AP50, validation.CocoAp50, 12);
        for (int k = 0; k < dataset.Categories.Count; k++)
        {
            Assert.Equal(coco.PerClassAP50[k], validation.PerClassCocoAp50[dataset.Categories[k]], 12);
            Assert.Equal(coco.PerClassAP[k], validation.PerClassCocoAp[dataset.Categories[k]], 12);
        }
    }

    /// <summary>
    /// A model that finds the coloured squares: a plain Adam loop on a few 64-px tiles, on this thread (independent of the
    /// trainer, whose options and schedule are another concern), saved as an artefact.
    /// </summary>
    private static void TrainOnSquares(string folder)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var tiles = ShapeTiles.Make(8, 64, Classes, seed: 12);
        var norm = Normalisation.Default;
        var images = new float[tiles.Count * 3 * 64 * 64];
        var targets = tiles.Select((t, i) =>
        {
            ChipRenderer.Render(t.Rgb, 64, 64, ChipTransform.Identity, 64, norm, images.AsSpan(i * 3 * 64 * 64, 3 * 64 * 64));
            return CenterNetTargets.Build(t.Objects.Select(o => new ChipObject(o.Bounds, Array.IndexOf(Classes, o.Class))).ToList(), 2, 16, 16, 4);
        }).ToList();
        Tensor Stack(Func<CenterNetTargets, float[]> of, int channels) =>
            tensor(targets.SelectMany(of).ToArray()).reshape(tiles.Count, channels, 16, 16);
        var (input, heat, size, offset, mask) = (tensor(images).reshape(tiles.Count, 3, 64, 64), Stack(t => t.Heatmap, 2),
            Stack(t => t.Size, 2), Stack(t => t.Offset, 2), Stack(t => t.Mask, 1));
        using var model = new CenterNet(DetectorArchitecture.Nano, 2);
        using var optimizer = optim.Adam(model.parameters(), 1e-2);
        model.train();
        for (int step = 0; step < 120; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            CenterNetLoss.PerSample(model.call(input), heat, size, offset, mask).mean().backward();
            optimizer.step();
        }
        model.eval();
        ModelArtefact.Save(model, new ModelMetadata
        {
            Architecture = "nano", Classes = Classes, InputSize = 64, OutputStride = DetectorArchitecture.OutputStride,
            Normalisation = norm, CodeVersion = ModelArtefact.CodeVersion,
        }, folder);
    }

    /// <summary>COCO ground truth for the tiles in predict's image order (file names sorted), ids from 1.</summary>
    private static void WriteCocoGroundTruth(IReadOnlyList<LabelledTile> tiles, IReadOnlyList<string> classes, string path)
    {
        var ordered = tiles.OrderBy(t => t.Source, StringComparer.Ordinal).ToList();
        var document = new
        {
            images = ordered.Select((t, i) => new { id = i + 1, file_name = Path.GetFileName(t.Source), width = t.Width, height = t.Height }),
            categories = classes.Select((c, k) => new { id = k + 1, name = c }),
            annotations = ordered.SelectMany((t, i) => t.Objects.Select(o => (Image: i + 1, Object: o))).Select((a, n) => new
            {
                id = n + 1, image_id = a.Image, category_id = classes.ToList().IndexOf(a.Object.Class) + 1, iscrowd = 0,
                bbox = new[] { a.Object.Bounds.XMin, a.Object.Bounds.YMin, a.Object.Bounds.Width, a.Object.Bounds.Height },
                area = a.Object.Bounds.Width * a.Object.Bounds.Height,
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
    }
}
