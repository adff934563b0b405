using System.CommandLine;
using TorchSharp;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Evaluation;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Training;

namespace AutoRetrain.Detector.CommandLine;

public static partial class TrainerCommands
{
    private static Command Evaluate(string name)
    {
        var model = RequiredPath("--model", "Model folder (model.bin + model.json).");
        var data = RequiredPath("--data", "Snapshot manifest or labelled image folder; its validation tiles are scored (all tiles for a flat folder).");
        var store = new Option<string?>("--store") { Description = "Store root for snapshot keys (as for train)." };
        var device = DeviceOption();
        var views = ViewsOption();
        var scales = ScalesOption();
        var command = new Command(name, "Score a model on labelled scenes (the chip grid and cross-chip NMS of predict): VOC mAP50 and COCO AP50 and AP (.50:.95), overall and per class, as one JSON line.") { model, data, store, device, views, scales };
        SetGuardedAction(command, parse =>
        {
            int viewCount = DihedralViews.Check(parse.GetValue(views), "--views");
            var scaleFactors = PredictionOptions.ParseScales(parse.GetValue(scales), "--scales");
            var torchDevice = Prepare(parse.GetValue(device));
            var dataset = DatasetReader.Read(parse.GetValue(data)!, parse.GetValue(store));
            var tiles = dataset.Validation.Count > 0 ? dataset.Validation : dataset.Train;
            var (detector, metadata) = ModelArtefact.Load(parse.GetValue(model)!);
            using (detector)
            {
                detector.to(torchDevice);
                var result = DetectorEvaluator.Evaluate(detector, metadata, torchDevice, tiles, new PredictionOptions { Views = viewCount, Scales = scaleFactors });
                ProgressWriter.Console.Write("evaluation", new Dictionary<string, object?>
                {
                    ["map50"] = result.Map50, ["images"] = result.Images, ["perClassAp50"] = result.PerClassAp50,
                    ["cocoAp"] = result.CocoAp, ["cocoAp50"] = result.CocoAp50,
                    ["perClassCocoAp50"] = result.PerClassCocoAp50, ["perClassCocoAp"] = result.PerClassCocoAp,
                    ["views"] = viewCount, ["scales"] = scaleFactors, ["model"] = parse.GetValue(model), ["snapshotId"] = dataset.SnapshotId,
                });
            }
            return Success;
        });
        return command;
    }
}
