using System.CommandLine;
using System.Globalization;
using AutoRetrain.Cli.Hosting;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Demo()
    {
        var quick = new Option<bool>("--quick") { Description = "A small run (3 batches of 128-pixel tiles, under 3 minutes) as CI uses it." };
        var workdir = new Option<string>("--workdir")
        {
            Description = "Folder for the demo's workspace (store, ledger, mlruns, report); emptied first, which the demo does only to a new or empty folder or one an earlier demo made.",
            DefaultValueFactory = _ => "demo-work",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated imagery and of training.", DefaultValueFactory = _ => 7 };
        var data = new Option<string?>("--data")
        {
            Description = "Replay real labelled imagery instead of generated tiles: a folder of images with .labels.json sidecars (as `import` writes), "
                + "streamed in name order; with train/ and val/ sub-folders val/ is the fixed holdout.",
        };
        var batches = new Option<int?>("--batches") { Description = "Number of batches the stream arrives in (generated: 3 quick, 6 full; --data: 5)." };
        var holdoutFraction = new Option<double?>("--holdout-fraction")
        {
            Description = "With --data and no train/ + val/ split: the fraction of images kept as the fixed holdout, chosen by a hash of the file name (default 0.2).",
        };
        var training = new TrainingOptions();
        var command = new Command("demo",
            "Run the whole loop locally: overhead imagery (generated, or real with --data) arrives in batches, is ingested, and the cycle manager decides, trains, scores and promotes.")
        {
            quick, workdir, seed, data, batches, holdoutFraction,
        };
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = (parse.GetValue(quick) ? DemoSettings.Quick : DemoSettings.Full) with { Seed = parse.GetValue(seed) };
            LabelledFolderStream? real = null;
            if (parse.GetValue(data) is { } folder)
            {
                real = new LabelledFolderStream(folder, parse.GetValue(batches) ?? 5, parse.GetValue(holdoutFraction) ?? 0.2);
                settings = DemoSettings.ForLabelledStream(settings, real);
            }
            else if (parse.GetValue(holdoutFraction) is not null)
                throw new Core.AutoRetrainException("--holdout-fraction needs --data (the generated demo has its own holdout).");
            else if (parse.GetValue(batches) is { } count)
                settings = settings with { Batches = count > 0 ? count : throw new Core.AutoRetrainException($"--batches must be at least 1, got {count}.") };
            // The demo's workspace is emptied first: only --config, the environment and the options configure it.
            var local = training.Load(parse, workdir: null, DemoRun.Defaults(settings)).Bind();
            settings = settings with { Epochs = local.Cycles.Training.Epochs };
            string size = $"{(parse.GetValue(quick) ? "quick" : "full")}: {settings.Batches} batches of {settings.TilesPerBatch} " +
                (real is null ? $"tiles, {settings.TileSize}×{settings.TileSize} px" : $"images from {parse.GetValue(data)}, {settings.TileSize}-px chips") +
                $", {settings.Epochs} epochs per cycle, seed {settings.Seed}";
            AnsiConsole.MarkupLineInterpolated($"[bold]AutoRetrain demo[/] ({size})");
            var summary = await new DemoRun(settings, parse.GetValue(workdir)!, new ConsoleDemoView(), local, real).RunAsync(ct);
            AnsiConsole.WriteLine();
            AnsiConsole.Write(ConsoleDemoView.Table(summary.Cycles));
            AnsiConsole.WriteLine(
                $"Done in {summary.WallSeconds.ToString("0", CultureInfo.InvariantCulture)} s: {summary.Cycles.Count} cycles, champion {summary.Champion ?? "none"}; " +
                $"orchestration overhead {summary.OrchestrationOverheadRatio.ToString("P1", CultureInfo.InvariantCulture)} of cycle time.");
            AnsiConsole.MarkupLineInterpolated($"Report: [link]{summary.Report}[/]");
            AnsiConsole.MarkupLineInterpolated($"MLflow: mlflow ui --backend-store-uri {summary.Mlruns}");
            return 0;
        });
        return command;
    }

    private static Command Report()
    {
        var workdir = CommonOptions.Workdir();
        var project = new Option<string>("--project") { Description = "Project name.", DefaultValueFactory = _ => "default" };
        var command = new Command("report", "Write the HTML report (charts of cycles, decisions, data and quarantine) of a workspace.")
        {
            workdir, project,
        };
        command.SetAction(async (parse, ct) =>
        {
            var workspace = WorkspaceGuard.OpenExisting(parse.GetValue(workdir)!, requireLedger: true);
            string path = await new Local.Reporting.ReportWriter(workspace, parse.GetValue(project)!).WriteAsync(ct);
            Console.WriteLine(path);
            return 0;
        });
        return command;
    }
}
