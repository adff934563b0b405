using System.CommandLine;
using AutoRetrain.Core;
using AutoRetrain.Imagery.Formats;
using AutoRetrain.Core.Ports;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private const int ProblemsShown = 20;

    private static Command Import()
    {
        var format = new Option<ImportFormat>("--format")
        {
            Description = "Source label format: coco (instances JSON), yolo (txt + classes.txt or data.yaml), xview (GeoJSON), dota (images/ + labelTxt/).",
            Required = true,
        };
        var source = new Argument<string>("source")
        {
            Description = "The COCO or xView JSON file (or a folder holding one COCO JSON), or the YOLO or DOTA dataset folder.",
        };
        var into = new Option<string?>("--into")
        {
            Description = "The incoming folder that receives the images and their <image-name>.labels.json sidecars; defaults to the workspace's incoming/ folder, which `watch` ingests.",
        };
        var workdir = CommonOptions.Workdir();
        var images = new Option<string?>("--images")
        {
            Description = "COCO and xView only: the folder holding the images, when they are not next to the JSON file or in images/ or train_images/.",
        };
        var problemsFile = new Option<string?>("--problems")
        {
            Description = "Write every problem found, one JSON object a line, to this file (the console shows the first 20).",
        };

        var command = new Command("import", "Import labelled imagery from COCO, YOLO, xView or DOTA: copy the images into the incoming folder and write a label sidecar for each.");
        command.Arguments.Add(source);
        command.Options.Add(format);
        command.Options.Add(into);
        command.Options.Add(images);
        command.Options.Add(problemsFile);
        command.Options.Add(workdir);
        command.SetAction(parseResult =>
        {
            var target = parseResult.GetValue(into) ?? Path.Combine(parseResult.GetValue(workdir)!, Containers.Incoming);
            ImportReport report = null!;
            AnsiConsole.Progress().AutoClear(true).Start(context =>
            {
                var task = context.AddTask("importing", autoStart: true, maxValue: 1);
                report = LabelImporter.Run(parseResult.GetValue(format), parseResult.GetValue(source)!, target,
                    parseResult.GetValue(images), new ImmediateProgress<ImportProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }));
            });
            if (parseResult.GetValue(problemsFile) is string path)
                File.WriteAllLines(path, report.Problems.Select(p => Json.Serialize(p, indented: false)));
            PrintSummary(report, target, parseResult.GetValue(problemsFile));
            return report.ImagesInSource > 0 && report.ImagesCopied == 0 ? 1 : 0;
        });
        return command;
    }

    private static void PrintSummary(ImportReport report, string target, string? problemsFile)
    {
        Console.WriteLine($"{report.Format}: {report.ImagesInSource} images in the source, {report.ImagesCopied} copied into {Core.Ports.StoreKeys.Printable(target)}, " +
                          $"{report.SidecarsWritten} label sidecars written, {report.Objects} objects.");
        if (report.ScenesCut > 0)
            Console.WriteLine($"{report.ScenesCut} scenes too large to decode whole were cut into {report.BlocksWritten} overlapping blocks of at most " +
                              $"{SceneCutting.Default.BlockSize} px (8-bit RGB GeoTIFF, labels clipped to each).");
        foreach (var (cls, count) in report.ObjectsPerClass.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"  {count,8}  {Core.Ports.StoreKeys.Printable(cls)}");
        foreach (var (reason, count) in report.SkippedObjects)
            Console.WriteLine($"  skipped {count} × {reason}");
        if (report.Problems.Count == 0) return;

        Console.Error.WriteLine($"{report.Problems.Count} problems (the import went on past each):");
        foreach (var problem in report.Problems.Take(ProblemsShown))
            Console.Error.WriteLine($"  {problem}");
        if (report.Problems.Count > ProblemsShown)
            Console.Error.WriteLine(problemsFile is null
                ? $"  ... and {report.Problems.Count - ProblemsShown} more; use --problems <file> to get them all."
                : $"  ... and {report.Problems.Count - ProblemsShown} more, all in {problemsFile}.");
    }

    /// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, which posts to the thread pool
    /// and would update the bar after the import has finished.</summary>
    private sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
