using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration;

internal static partial class Logging
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Cycle {CycleId}: candidate {Candidate} submitted as job {JobId}")]
    public static partial void LogTrainingSubmitted(this ILogger logger, string cycleId, string candidate, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cycle {CycleId} ended {Status}: {Reasons}")]
    public static partial void LogCycleEnded(this ILogger logger, string cycleId, string status, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle {CycleId} failed: {Cause}")]
    public static partial void LogCycleFailed(this ILogger logger, string cycleId, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {Project}: {Decision} — {Reasons}")]
    public static partial void LogDecision(this ILogger logger, string project, string decision, string reasons);

    [LoggerMessage(Level = LogLevel.Error, Message = "Project {Project}: the decision failed past its retries; the manager keeps its state and decides again later: {Error}")]
    public static partial void LogDecisionFailed(this ILogger logger, string project, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Project {Project}: rebuilding the manager's state from the stores failed; retrying in a new generation: {Error}")]
    public static partial void LogRecoveryFailed(this ILogger logger, string project, string error);
}
