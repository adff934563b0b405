using System.CommandLine;
using AutoRetrain.Core;
using AutoRetrain.Local;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Status()
    {
        var workdir = CommonOptions.Workdir();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("status", "Show what the local store holds: tiles, labels, pending labels, quarantine.")
        {
            workdir, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var workspace = new LocalWorkspace(parse.GetValue(workdir)!);
            var counts = await workspace.Ledger.GetCountsAsync(ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(Json.Serialize(counts));
                return 0;
            }
            var table = new Table().AddColumns("what", "count");
            table.AddRow("tiles", counts.Tiles.ToString());
            table.AddRow("labelled", counts.Labelled.ToString());
            table.AddRow("labels waiting for their image", counts.PendingLabels.ToString());
            table.AddRow("quarantined", counts.Quarantined.ToString());
            foreach (var (code, n) in counts.QuarantinedByCode)
                table.AddRow($"  {code}", n.ToString());
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
