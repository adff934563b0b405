using System.CommandLine;
using System.Globalization;
using AutoRetrain.Core;
using AutoRetrain.Local;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Status()
    {
        var workdir = CommonOptions.Workdir();
        var project = new Option<string>("--project") { Description = "Project name.", DefaultValueFactory = _ => "default" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var command = new Command("status",
            "Show what the local store holds: tiles, labels, pending labels, quarantine, the champion, the last decision and the cycles.")
        {
            workdir, project, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var workspace = WorkspaceGuard.OpenExisting(parse.GetValue(workdir)!, requireLedger: true);
            string name = parse.GetValue(project)!;
            var counts = await workspace.Ledger.GetCountsAsync(ct);
            var champion = await workspace.Registry.GetChampionAsync(ct);
            var decisions = await workspace.Cycles.ListDecisionsAsync(name, ct);
            var cycles = await workspace.Cycles.ListAsync(name, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(Json.Serialize(new
                {
                    project = name, counts, champion = champion.ModelId, lastDecision = decisions.LastOrDefault(),
                    cycles = cycles.Select(c => new { c.Id, status = c.Status.ToString(), c.Metrics, c.TriggerReasons, c.DecisionReasons, c.FailureCause }),
                }));
                return 0;
            }
            var table = new Table().AddColumns("what", "count");
            table.AddRow("tiles", counts.Tiles.ToString(CultureInfo.InvariantCulture));
            table.AddRow("labelled", counts.Labelled.ToString(CultureInfo.InvariantCulture));
            table.AddRow("labels waiting for their image", counts.PendingLabels.ToString(CultureInfo.InvariantCulture));
            table.AddRow("quarantined", counts.Quarantined.ToString(CultureInfo.InvariantCulture));
            foreach (var (code, n) in counts.QuarantinedByCode)
                table.AddRow($"  {Markup.Escape(code)}", n.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"champion: {champion.ModelId ?? "none yet"}");
            if (decisions.LastOrDefault() is { } last)
                AnsiConsole.MarkupLineInterpolated($"last decision ({last.At:u}): {(last.Retrain ? "retrain" : "wait")} — {string.Join("; ", last.Reasons)}");
            if (cycles.Count > 0)
            {
                var cycleTable = new Table().AddColumns("cycle", "status", "mAP50", "reasons");
                foreach (var c in cycles)
                    cycleTable.AddRow(Markup.Escape(c.Id), c.Status.ToString(),
                        c.Metrics.TryGetValue("mAP50", out var m) ? m.ToString("0.000", CultureInfo.InvariantCulture) : "–",
                        Markup.Escape(string.Join("; ", c.FailureCause is { } f ? [f] : c.DecisionReasons)));
                AnsiConsole.Write(cycleTable);
            }
            return 0;
        });
        return command;
    }
}
