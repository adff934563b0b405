using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Metrics;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Evaluate()
    {
        var gt = new Option<FileInfo>("--gt") { Description = "COCO ground-truth JSON (images, annotations, categories).", Required = true };
        var dets = new Option<FileInfo>("--dets") { Description = "COCO results JSON: a list of {image_id, category_id, bbox, score}.", Required = true };
        var metric = new Option<string>("--metric")
        {
            Description = "coco (pycocotools' 12 numbers), voc (all-point AP, VOC2010+) or voc11 (11-point AP, VOC2007).",
            DefaultValueFactory = _ => "coco",
        };
        metric.AcceptOnlyFromAmong("coco", "voc", "voc11");
        var iou = new Option<double?>("--iou") { Description = "IoU threshold for voc and voc11 (default 0.5); coco always uses 0.50:0.05:0.95." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with full double precision instead of a table." };

        var command = new Command("evaluate", "Score detections against ground truth like pycocotools or the PASCAL VOC devkit.");
        command.Options.Add(gt);
        command.Options.Add(dets);
        command.Options.Add(metric);
        command.Options.Add(iou);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            string kind = parseResult.GetValue(metric)!;
            double? threshold = parseResult.GetValue(iou);
            if (kind == "coco" && threshold is not null)
            {
                Console.Error.WriteLine("error: --iou applies to --metric voc or voc11; coco always averages IoU 0.50:0.95.");
                return 1;
            }
            // System.CommandLine's own handler would print a stack trace before CliApp sees the exception.
            try
            {
                var dataset = CocoJsonReader.ReadGroundTruth(parseResult.GetValue(gt)!.FullName);
                var detections = CocoJsonReader.ReadResults(parseResult.GetValue(dets)!.FullName, dataset);
                bool asJson = parseResult.GetValue(json);
                if (kind == "coco")
                    PrintCoco(CocoEvaluator.Evaluate(dataset.Images, detections, dataset.Categories), dataset, asJson);
                else
                    PrintVoc(VocEvaluator.Evaluate(dataset.Images, detections, dataset.Categories, threshold ?? 0.5, kind == "voc11"), dataset, asJson);
                return 0;
            }
            catch (AutoRetrainException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void PrintCoco(CocoMetrics metrics, CocoDataset dataset, bool asJson)
    {
        if (!asJson)
        {
            foreach (var line in metrics.SummaryLines()) Console.WriteLine(line);
            PrintPerClassTable("AP@[.50:.95]", metrics.PerClassAP, dataset);
            return;
        }
        WriteJson(writer =>
        {
            for (int i = 0; i < metrics.Stats.Count; i++) writer.WriteNumber(CocoMetrics.StatNames[i], metrics.Stats[i]);
            WritePerClass(writer, "perClass", metrics.PerClassAP, dataset);
            WritePerClass(writer, "perClassAP50", metrics.PerClassAP50, dataset);
        });
    }

    private static void PrintVoc(VocMetrics metrics, CocoDataset dataset, bool asJson)
    {
        if (!asJson)
        {
            string method = metrics.ElevenPoint ? "11-point" : "all-point";
            PrintPerClassTable($"AP@{metrics.IouThreshold.ToString(CultureInfo.InvariantCulture)} ({method})", metrics.PerClassAP, dataset);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"mAP",-24} {metrics.MeanAP:F4}"));
            return;
        }
        WriteJson(writer =>
        {
            writer.WriteNumber("mAP", metrics.MeanAP);
            WritePerClass(writer, "perClass", metrics.PerClassAP, dataset);
        });
    }

    private static void PrintPerClassTable(string title, IReadOnlyList<double> values, CocoDataset dataset)
    {
        Console.WriteLine();
        Console.WriteLine($"{"class",-24} {title}");
        var names = UniqueClassNames(dataset);
        for (int k = 0; k < values.Count; k++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{names[k],-24} {(values[k] > -1 ? values[k].ToString("F4", CultureInfo.InvariantCulture) : "-1 (no ground truth)")}"));
    }

    private static void WritePerClass(Utf8JsonWriter writer, string name, IReadOnlyList<double> values, CocoDataset dataset)
    {
        var names = UniqueClassNames(dataset);
        writer.WriteStartObject(name);
        for (int k = 0; k < values.Count; k++) writer.WriteNumber(names[k], values[k]);
        writer.WriteEndObject();
    }

    /// <summary>Category names as JSON keys; a name used by two category ids gets its id appended.</summary>
    private static string[] UniqueClassNames(CocoDataset dataset)
    {
        var names = new string[dataset.Categories.Count];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in dataset.Categories) counts[n] = counts.GetValueOrDefault(n) + 1;
        for (int k = 0; k < names.Length; k++)
            names[k] = counts[dataset.Categories[k]] > 1 ? $"{dataset.Categories[k]} (id {dataset.CategoryIds[k]})" : dataset.Categories[k];
        return names;
    }

    private static void WriteJson(Action<Utf8JsonWriter> body)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }
}
