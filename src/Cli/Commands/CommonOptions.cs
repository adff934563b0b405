using System.CommandLine;

namespace AutoRetrain.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> Workdir() => new("--workdir")
    {
        Description = "Folder of the local embedded store (containers, SQLite ledger, mlruns).",
        DefaultValueFactory = _ => Local.LocalWorkspace.DefaultRoot,
    };
}

/// <summary>
/// The training options of <c>watch</c> and <c>demo</c>, named as the trainer's own <c>train</c> command and the
/// Ultralytics CLI name them. Each is optional: an absent option leaves the configured value.
/// </summary>
internal sealed class TrainingOptions
{
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Epochs each cycle's training runs (its budget; early stopping may end it sooner)." };
    public Option<int?> Batch { get; } = new("--batch") { Description = "Training batch size." };
    public Option<int?> ImageSize { get; } = new("--imgsz") { Description = "Chip size the detector trains on, in pixels (a multiple of 16)." };
    public Option<string?> Device { get; } = new("--device") { Description = "cpu, cuda or auto (CUDA when available, else CPU)." };

    public IEnumerable<Option> All => [Epochs, Batch, ImageSize, Device];

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Configuration file (JSON: Policy, Gate, Training, Candidates, Strategies, Trainer) read instead of the workspace's autoretrain.json.",
    };

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
        command.Options.Add(Config);
    }

    /// <summary>The configuration key each option sets.</summary>
    private (string Key, Option Option)[] Keyed => [("Training:Epochs", Epochs), ("Training:InputSize", ImageSize), ("Trainer:BatchSize", Batch), ("Trainer:Device", Device)];

    /// <summary>The options given on the command line, as configuration keys (the last layer).</summary>
    public Dictionary<string, string?> ToConfiguration(ParseResult parse) => Keyed.ToDictionary(k => k.Key, k => k.Option switch
    {
        Option<int?> number => Text(parse.GetValue(number)),
        Option<string?> text => parse.GetValue(text),
        _ => throw new InvalidOperationException($"option {k.Option.Name} has no configuration text"),
    });

    /// <summary>The option behind each configuration key, for errors that name where a value came from.</summary>
    public Dictionary<string, string> OptionNames() => Keyed.ToDictionary(k => k.Key, k => k.Option.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The effective settings of a command: its defaults, the file, the environment, these options.</summary>
    public Configuration.LocalConfiguration Load(ParseResult parse, string? workdir, Configuration.LocalSettings defaults) =>
        Configuration.LocalConfiguration.Load(workdir, parse.GetValue(Config), defaults, ToConfiguration(parse), OptionNames());

    private static string? Text(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
