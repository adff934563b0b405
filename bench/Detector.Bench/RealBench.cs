using System.Diagnostics;
using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Evaluation;
using AutoRetrain.Detector.Training;
using AutoRetrain.Imagery.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// A real labelled set (as /work/shared/realdata/make-realdata.sh builds it: train/ and val/, each a COCO
/// annotations.json with images/, or DOTA images/ + labelTxt/) imported with the project's importers, trained on its
/// train split and scored at scene level on a val split: its own, and another set's when cross-set is asked for.
/// </summary>
internal static class RealBench
{
    public static Dictionary<string, object?> Run(string set, string? evaluateSet, TrainerOptions options, int? imageLimit, string? classAs,
        string work, int views, IReadOnlyList<double>? scales = null, string? keepModel = null, Device? device = null)
    {
        device ??= CPU;
        var clock = Stopwatch.StartNew();
        var train = Import(Path.Combine(set, "train"), Path.Combine(work, "train"), imageLimit, classAs);
        var val = Import(Path.Combine(set, "val"), Path.Combine(work, "val"), imageLimit, classAs);
        double importSeconds = clock.Elapsed.TotalSeconds;
        var data = new TileDataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(set)), train, val);
        // A model to keep is trained where it is kept; otherwise in the work folder, which the caller deletes.
        string modelFolder = keepModel ?? Path.Combine(work, "model");
        var result = new Trainer(new ProgressWriter(Console.Out)).Train(new TrainingRequest(data, modelFolder, options, device));
        var (model, metadata) = ModelArtefact.Load(modelFolder);
        using (model)
        {
            model.to(device);
            var scores = new Dictionary<string, object?> { [data.SnapshotId] = Scores(model, metadata, val, views, scales, device) };
            if (evaluateSet is not null)
            {
                var other = Import(Path.Combine(evaluateSet, "val"), Path.Combine(work, "cross-val"), imageLimit, classAs);
                scores[$"cross:{Path.GetFileName(Path.TrimEndingDirectorySeparator(evaluateSet))}"] = Scores(model, metadata, other, views, scales, device);
            }
            var measured = new Dictionary<string, object?>
            {
                ["set"] = set, ["evaluateSet"] = evaluateSet, ["trainImages"] = train.Count, ["valImages"] = val.Count,
                ["trainObjects"] = train.Sum(t => t.Objects.Count), ["classes"] = metadata.Classes, ["classAs"] = classAs,
                ["device"] = device.type.ToString().ToLowerInvariant(),
            };
            foreach (var (key, value) in TrainingRun(options, metadata, result)) measured[key] = value;
            measured["sceneLevel"] = scores;
            measured["views"] = views;
            measured["scales"] = scales;
            measured["keptModel"] = keepModel;
            measured["importSeconds"] = importSeconds;
            return measured;
        }
    }

    /// <summary>What a training run was asked for and what it did (shared with the large-scenes mode): the options that
    /// change the model, the scale it chose, and the run's steps, stop reason and speed.</summary>
    internal static Dictionary<string, object?> TrainingRun(TrainerOptions options, ModelMetadata metadata, TrainingResult result) => new()
    {
        ["architecture"] = options.Architecture, ["inputSize"] = metadata.InputSize, ["inputScale"] = metadata.InputScale,
        ["giouWeight"] = options.GiouWeight, ["regressionArea"] = options.RegressionArea, ["classBalancedLoss"] = options.ClassBalancedLoss,
        ["objectWindowClassBalance"] = options.ObjectWindowClassBalance,
        ["batchSize"] = options.BatchSize, ["learningRate"] = options.LearningRate, ["budgetSeconds"] = options.TimeBudgetSeconds,
        ["epochsPlanned"] = options.Epochs, ["maxSteps"] = options.MaxSteps, ["epochsRun"] = result.Epochs, ["stopReason"] = result.StopReason,
        ["trainSeconds"] = result.TrainSeconds, ["trainImagesPerSec"] = result.TrainImagesPerSecond, ["dataWaitFraction"] = result.DataWaitFraction,
        ["bestValMap50DuringTraining"] = result.BestValMap50,
    };

    /// <summary>Scene-level scores through the chip grid (shared with the large-scenes mode): one view of each chip (what
    /// <c>predict</c> does by default), and beside it <paramref name="views"/> flipped and rotated views averaged
    /// (<c>predict --views</c>, <see cref="Inference.DihedralViews"/>) when more than one is asked for; with
    /// <paramref name="scales"/>, the same two again at those test-time scales (<c>predict --scales</c>).</summary>
    internal static Dictionary<string, object?> Scores(Model.CenterNet model, ModelMetadata metadata, IReadOnlyList<LabelledTile> tiles, int views = 1,
        IReadOnlyList<double>? scales = null, Device? device = null)
    {
        device ??= CPU;
        var scores = Scored(model, metadata, tiles, 1, [1.0], device);
        if (views > 1) scores[$"views{views}"] = Scored(model, metadata, tiles, views, [1.0], device);
        if (scales is not null)
        {
            string name = "scales" + string.Join(",", scales.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            scores[name] = Scored(model, metadata, tiles, 1, scales, device);
            if (views > 1) scores[$"{name}views{views}"] = Scored(model, metadata, tiles, views, scales, device);
        }
        return scores;
    }

    private static Dictionary<string, object?> Scored(Model.CenterNet model, ModelMetadata metadata, IReadOnlyList<LabelledTile> tiles, int views,
        IReadOnlyList<double> scales, Device device)
    {
        var clock = Stopwatch.StartNew();
        var e = DetectorEvaluator.Evaluate(model, metadata, device, tiles, new Inference.PredictionOptions { Views = views, Scales = scales });
        return new Dictionary<string, object?>
        {
            ["images"] = e.Images, ["cocoAp"] = e.CocoAp, ["cocoAp50"] = e.CocoAp50, ["perClassCocoAp50"] = e.PerClassCocoAp50,
            ["perClassCocoAp"] = e.PerClassCocoAp, ["vocMap50"] = e.Map50, ["perClassVocAp50"] = e.PerClassAp50,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Imports one split into sidecars (COCO when annotations.json is there, else DOTA) and reads it back.</summary>
    private static IReadOnlyList<LabelledTile> Import(string split, string into, int? imageLimit, string? classAs)
    {
        string coco = Path.Combine(split, "annotations.json");
        var report = File.Exists(coco)
            ? LabelImporter.Run(ImportFormat.Coco, coco, into, Path.Combine(split, "images"))
            : Directory.Exists(Path.Combine(split, "labelTxt")) ? LabelImporter.Run(ImportFormat.Dota, split, into)
            : throw new AutoRetrainException($"{split}: neither annotations.json (COCO) nor labelTxt/ (DOTA) found.");
        Console.WriteLine($"imported {split}: {report.ImagesCopied} images, {report.Objects} objects");
        var tiles = DatasetReader.ReadImages(into);
        if (imageLimit is int limit) tiles = tiles.Take(limit).ToList();
        return classAs is null ? tiles
            : tiles.Select(t => t with { Objects = t.Objects.Select(o => o with { Class = classAs }).ToList() }).ToList();
    }
}
