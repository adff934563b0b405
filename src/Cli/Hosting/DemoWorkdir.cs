using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// The demo starts from an empty folder, so it clears its workdir: only a folder it created itself (it holds the marker
/// file) or an empty one. Anything else might be a user's data and is refused.
/// </summary>
public static class DemoWorkdir
{
    public const string MarkerName = ".autoretrain-demo";

    /// <summary>Leaves <paramref name="workdir"/> empty but for the marker, or throws without touching it.</summary>
    public static void Prepare(string workdir)
    {
        string full = Path.GetFullPath(workdir);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            var info = new DirectoryInfo(full);
            if (info.LinkTarget is not null || !File.Exists(Path.Combine(full, MarkerName)))
                throw new AutoRetrainException(
                    $"refusing to clear {StoreKeys.Printable(full)} for the demo: it is not empty and was not made by a demo (no {MarkerName} file). " +
                    "Pass --workdir a new or empty folder.");
            Directory.Delete(full, recursive: true);
        }
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, MarkerName), "Made by `autoretrain demo`, which empties this folder when it runs again.\n");
    }
}
