using Microsoft.DurableTask.Abstractions;

namespace AutoRetrain.Orchestration;

/// <summary>
/// Orchestration versions. Every instance keeps the version it was started with (<c>context.Version</c>); a worker runs
/// instances of its own version and older ones (host.json: <c>versionMatchStrategy</c> CurrentOrOlder) and leaves newer
/// ones alone (<c>versionFailureStrategy</c> Reject), so an old worker still draining during a deploy never replays a
/// newer history. Where a change alters what an orchestrator does, it branches on <c>context.Version</c> so that
/// histories written by older code replay the old way; the eternal manager moves to <see cref="Current"/> at its next
/// ContinueAsNew, where its history starts empty (docs/functions.md, "Deploying orchestrator changes").
/// </summary>
public static class OrchestrationVersions
{
    /// <summary>
    /// The version this code starts instances with; host.json's <c>defaultVersion</c> must equal it (tested). Always
    /// major.minor: such strings compare as versions ("10.0" after "2.0"), while bare "10" and "2" compare as text.
    /// </summary>
    public const string Current = "2.1";

    /// <summary>Timeouts count towards a manager generation's cap (before: only signals did, and an idle manager's history grew).</summary>
    public const string TimeoutsCountTowardsTheCap = "2.0";

    /// <summary>
    /// A forced retrain already in the state (a command drained while a cycle finished) is decided at once (before: it
    /// waited for the next check interval, 30 minutes by default, because only a command received by the wait triggered).
    /// </summary>
    public const string DrainedCommandsDecideAtOnce = "2.1";

    /// <summary>True when the instance's version is at least <paramref name="version"/>; an unversioned instance (started
    /// before versioning) is older than every version.</summary>
    public static bool AtLeast(string? instanceVersion, string version) =>
        TaskOrchestrationVersioningUtils.CompareVersions(instanceVersion ?? "", version) >= 0;
}
