using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;

namespace AutoRetrain.Cli;

/// <summary>Opens a workspace only where one is meant to be: a mistyped --workdir is an error, not a new empty workspace.</summary>
internal static class WorkspaceGuard
{
    /// <summary>
    /// The workspace at <paramref name="root"/>, which must exist; with <paramref name="requireLedger"/> it must also hold
    /// a ledger (status and report read one; watch may start a fresh workspace in an existing folder).
    /// </summary>
    public static LocalWorkspace OpenExisting(string root, bool requireLedger)
    {
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new AutoRetrainException(
                $"no workspace at {StoreKeys.Printable(full)}: the folder does not exist. Check --workdir, or create the folder " +
                $"(and its {Containers.Incoming}/ folder) to start a new workspace.");
        if (requireLedger && !File.Exists(Path.Combine(full, "ledger.db")))
            throw new AutoRetrainException(
                $"no workspace at {StoreKeys.Printable(full)}: it holds no ledger.db. Check --workdir; a workspace is made by `watch` or `demo`.");
        return new LocalWorkspace(full);
    }
}
