using static System.FormattableString;
namespace AutoRetrain.Core.Policy;

/// <summary>Every signal the policy can name in a reason.</summary>
public enum PolicySignal
{
    FirstModel, NewTiles, NewTileFraction, RareClassGrowth, DistributionShift, NewClass, PerformanceDrift, Staleness,
    NothingNew, BelowThresholds, Cooldown, Budget,
}

/// <summary>A reason in words a user reads, tagged with the signal that produced it.</summary>
public sealed record PolicyReason(PolicySignal Signal, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// <c>Retrain(reasons)</c> or <c>Wait(reason, next check)</c>. For a Wait the first reason is what holds the cycle
/// back; signals that fired but were held back (by the cooldown or the budget) follow it.
/// </summary>
public sealed record RetrainDecision
{
    public required bool Retrain { get; init; }
    public required IReadOnlyList<PolicyReason> Reasons { get; init; }

    /// <summary>When to ask the policy again (Wait only).</summary>
    public DateTimeOffset? NextCheck { get; init; }

    public static RetrainDecision Go(IReadOnlyList<PolicyReason> reasons) => new() { Retrain = true, Reasons = reasons };

    public static RetrainDecision Wait(DateTimeOffset nextCheck, params IEnumerable<PolicyReason> reasons) =>
        new() { Retrain = false, Reasons = reasons.ToList(), NextCheck = nextCheck };

    public override string ToString() =>
        (Retrain ? "retrain: " : Invariant($"wait until {NextCheck:u}: ")) + string.Join("; ", Reasons.Select(r => r.Message));
}
