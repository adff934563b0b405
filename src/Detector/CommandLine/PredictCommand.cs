using System.CommandLine;
using TorchSharp;
using AutoRetrain.Core;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Training;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Detector.CommandLine;

/// <summary>One detection in COCO results layout (bbox is [x, y, width, height]); file name added for readers without the image list.</summary>
public sealed record CocoResult(int ImageId, string FileName, int CategoryId, string CategoryName, double[] Bbox, double Score);

public static partial class TrainerCommands
{
    private static readonly string[] SceneExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];

    private static Command Predict()
    {
        var model = RequiredPath("--model", "Model folder (model.bin + model.json).");
        var images = RequiredPath("--images", "Folder of scenes (PNG, JPEG, TIFF) of any size.");
        var output = RequiredPath("--out", "COCO results JSON file to write.");
        var minScore = new Option<double>("--min-score") { Description = "Lowest score kept.", DefaultValueFactory = _ => 0.05 };
        var device = DeviceOption();
        var views = ViewsOption();
        var scales = ScalesOption();
        var command = new Command("predict", "Detect objects in every image of a folder (chips + cross-chip NMS); writes COCO results JSON.")
        {
            model, images, output, minScore, device, views, scales,
        };
        SetGuardedAction(command, parse =>
        {
            double min = parse.GetValue(minScore);
            if (!double.IsFinite(min) || min < 0 || min > 1)
                throw new AutoRetrainException($"--min-score {min}: must be a number from 0 to 1.");
            int viewCount = DihedralViews.Check(parse.GetValue(views), "--views");
            var scaleFactors = PredictionOptions.ParseScales(parse.GetValue(scales), "--scales");
            string outPath = parse.GetValue(output)!;
            EnsureWritable("--out", outPath, folder: false);
            ModelArtefact.ReadMetadata(parse.GetValue(model)!); // a bad model.json fails before any image is read
            var torchDevice = Prepare(parse.GetValue(device));
            string folder = parse.GetValue(images)!;
            if (!Directory.Exists(folder)) throw new AutoRetrainException($"--images {folder}: no such folder.");
            var files = Directory.EnumerateFiles(folder).Where(f => SceneExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new AutoRetrainException($"--images {folder}: no PNG, JPEG or TIFF images found.");
            var (detector, metadata) = ModelArtefact.Load(parse.GetValue(model)!);
            var results = new List<CocoResult>();
            int skipped = 0;
            using (detector)
            {
                detector.to(torchDevice);
                var predictor = ScenePredictor.For(detector, metadata, torchDevice, new PredictionOptions { MinScore = min, Views = viewCount, Scales = scaleFactors });
                for (int i = 0; i < files.Count; i++)
                {
                    IReadOnlyList<Detection> detections;
                    try { detections = PredictScene(predictor, files[i], (i + 0.0) / files.Count, 1.0 / files.Count); }
                    catch (Exception ex) when (BadInputMessage(ex) is { } why)
                    {
                        // One unreadable scene is reported and skipped; the others are still scored.
                        why = Core.Ports.StoreKeys.Printable(why);
                        Console.Error.WriteLine($"skipped: {why}");
                        ProgressWriter.Console.Write("problem", new Dictionary<string, object?> { ["image"] = Path.GetFileName(files[i]), ["message"] = why });
                        skipped++;
                        continue;
                    }
                    foreach (var d in detections)
                        results.Add(new CocoResult(i + 1, Path.GetFileName(files[i]), d.ClassIndex + 1, metadata.Classes[d.ClassIndex],
                            [d.Box.XMin, d.Box.YMin, d.Box.Width, d.Box.Height], d.Score));
                    ProgressWriter.Console.Write("predicted", new Dictionary<string, object?>
                    {
                        ["image"] = Path.GetFileName(files[i]), ["progress"] = (i + 1.0) / files.Count,
                    });
                }
            }
            if (skipped == files.Count) throw new AutoRetrainException($"--images {folder}: none of the {files.Count} images could be read.");
            if (Path.GetDirectoryName(Path.GetFullPath(outPath)) is { } dir) Directory.CreateDirectory(dir);
            File.WriteAllText(outPath, System.Text.Json.JsonSerializer.Serialize(results, new System.Text.Json.JsonSerializerOptions(Json.Compact)
            {
                PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            }));
            ProgressWriter.Console.Write("done", new Dictionary<string, object?>
            {
                ["detections"] = results.Count, ["skipped"] = skipped, ["out"] = outPath, ["progress"] = 1.0,
            });
            return Success;
        });
        return command;
    }

    /// <summary>
    /// One scene's detections: decoded whole when the readers accept it (<see cref="ImageLimits.Default"/>), else, for a
    /// TIFF, read by windows one row of chips at a time (<see cref="TiffWindowReader"/>, up to its own limits), with
    /// progress and an ETA, since such a scene takes minutes. A PNG or JPEG above the limits is refused by the reader.
    /// </summary>
    private static IReadOnlyList<Detection> PredictScene(ScenePredictor predictor, string file, double progressBefore, double progressShare)
    {
        if (TiffWindowReader.OpenWhenBeyond(Core.Tiles.ImageLimits.Default, file) is { } large)
            using (large)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double lastReport = 0;
                return predictor.PredictByWindows(large, done =>
                {
                    if (clock.Elapsed.TotalSeconds - lastReport < 5 && done < 1) return;
                    lastReport = clock.Elapsed.TotalSeconds;
                    ProgressWriter.Console.Write("predicting", new Dictionary<string, object?>
                    {
                        ["image"] = Path.GetFileName(file), ["width"] = large.Width, ["height"] = large.Height, ["sceneProgress"] = done,
                        ["progress"] = progressBefore + done * progressShare,
                        ["etaSeconds"] = done > 0 ? Math.Round(clock.Elapsed.TotalSeconds * (1 - done) / done) : null,
                    });
                }, large.Info.GroundSampleMetres);
            }
        byte[] rgb = DatasetReader.LoadRgb(file, out var info);
        return predictor.Predict([new SceneImage(rgb, info.Width, info.Height, info.GroundSampleMetres)])[0];
    }
}
