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
