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
        var training = new TrainingOptions();
        var command = new Command("demo",
            "Run the whole loop locally: generated overhead imagery arrives in batches, is ingested, and the cycle manager decides, trains, scores and promotes.")
        {
            quick, workdir, seed,
        };
        training.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = (parse.GetValue(quick) ? DemoSettings.Quick : DemoSettings.Full) with { Seed = parse.GetValue(seed) };
            // The demo's workspace is emptied first: only --config, the environment and the options configure it.
            var local = training.Load(parse, workdir: null, DemoRun.Defaults(settings)).Bind();
            settings = settings with { Epochs = local.Cycles.Training.Epochs };
            string size = $"{(parse.GetValue(quick) ? "quick" : "full")}: {settings.Batches} batches of {settings.TilesPerBatch} tiles, " +
                $"{settings.TileSize}×{settings.TileSize} px, {settings.Epochs} epochs per cycle, seed {settings.Seed}";
            AnsiConsole.MarkupLineInterpolated($"[bold]AutoRetrain demo[/] ({size})");
            var summary = await new DemoRun(settings, parse.GetValue(workdir)!, new ConsoleDemoView(), local).RunAsync(ct);
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
