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

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }
}
