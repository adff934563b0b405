using System.CommandLine;

namespace AutoRetrain.Cli;

/// <summary>Every subcommand, in the order <c>--help</c> lists them.</summary>
public static partial class Commands
{
    public static IEnumerable<Command> All() =>
    [
        Demo(),
        Watch(),
        Serve(),
        Config(),
        Import(),
        Status(),
        Report(),
        PolicySim(),
        Evaluate(),
        Generate(),
        .. AutoRetrain.Detector.CommandLine.TrainerCommands.All(evaluateName: "evaluate-model"),
    ];
}
