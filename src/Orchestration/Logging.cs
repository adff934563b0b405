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
}
