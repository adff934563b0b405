using System.CommandLine;
using AutoRetrain.Core;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.CommandLine;

public static partial class TrainerCommands
{
    private static Command Train()
    {
        var data = RequiredPath("--data", "Snapshot manifest (JSON) or a folder of images with <stem>.labels.json sidecars (train/ and val/ sub-folders keep their split).");
        var store = new Option<string?>("--store") { Description = "Store root whose datasets/ folder holds the snapshot's image and label keys (default: the folder above the snapshot's snapshots/)." };
        var baseModel = new Option<string?>("--base-model") { Description = "Model folder to warm-start from; its classes keep their head channels, new classes are appended." };
        var weights = new Option<string?>("--weights") { Description = "Per-tile sample weights, JSON lines {\"tileId\":...,\"weight\":...}; uniform when absent." };
        var output = RequiredPath("--out", "Folder to write the model (model.bin, model.json) and tile-stats.jsonl to.");
        var config = new Option<string?>("--config") { Description = "Training configuration JSON (epochs, learningRate, seed, architecture, batchSize, inputSize, patience, ...)." };
        var epochs = new Option<int?>("--epochs") { Description = "Maximum epochs; overrides the configuration." };
        var batch = new Option<int?>("--batch") { Description = "Batch size; overrides the configuration." };
        var imageSize = new Option<int?>("--imgsz") { Description = "Chip size in pixels (a multiple of 16); overrides the configuration." };
        var cycleId = new Option<string?>("--cycle-id") { Description = "Cycle id recorded in tile-stats.jsonl (default: the output folder's name)." };
        var device = DeviceOption();
        var command = new Command("train", "Train the detector (warm start optional); progress as JSON lines on stdout.")
        {
            data, store, baseModel, weights, output, config, epochs, batch, imageSize, cycleId, device,
        };
        SetGuardedAction(command, parse =>
        {
            var options = TrainerOptions.Read(parse.GetValue(config));
            if (parse.GetValue(epochs) is { } e) options = options with { Epochs = e };
            if (parse.GetValue(batch) is { } b) options = options with { BatchSize = b };
            if (parse.GetValue(imageSize) is { } size) options = options with { InputSize = size };
            options = options.Validated("--epochs/--batch/--imgsz/--config");
            EnsureWritable("--out", parse.GetValue(output)!, folder: true);
            if (parse.GetValue(baseModel) is { } warm) Artefact.ModelArtefact.ReadMetadata(warm); // a bad base model fails before training
            var torchDevice = Prepare(parse.GetValue(device));
            var dataset = DatasetReader.Read(parse.GetValue(data)!, parse.GetValue(store), options.DecodedScenesBytes);
            var request = new TrainingRequest(dataset, parse.GetValue(output)!, options, torchDevice)
            {
                BaseModelFolder = parse.GetValue(baseModel),
                TileWeights = parse.GetValue(weights) is { } w ? ReadWeights(w) : null,
                CycleId = parse.GetValue(cycleId),
            };
            new Trainer(ProgressWriter.Console).Train(request);
            return Success;
        });
        return command;
    }

    private static IReadOnlyList<TileWeight> ReadWeights(string path) =>
        File.Exists(path) ? SampleWeights.Read(File.ReadAllText(path), path)
                          : throw new AutoRetrainException($"--weights {path}: file not found.");
}
