using System.CommandLine;
using AutoRetrain.Detector.CommandLine;

// Exit codes: 0 done, 1 unexpected failure (a bug or the machine) or unparsable arguments,
// 2 bad input the message names (missing or unreadable data, model or configuration).
var root = new RootCommand("autoretrain-trainer: trains, evaluates and runs the AutoRetrain overhead-imagery detector.");
foreach (var command in TrainerCommands.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
