using System.CommandLine;

namespace AutoRetrain.Cli;

/// <summary>Every subcommand, in the order <c>--help</c> lists them.</summary>
public static partial class Commands
{
    public static IEnumerable<Command> All() =>
    [
        Import(),
        Version(),
    ];

    private static Command Version()
    {
        var command = new Command("version", "Print the AutoRetrain version.");
        command.SetAction(_ =>
        {
            Console.WriteLine(typeof(Commands).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            return 0;
        });
        return command;
    }
}
