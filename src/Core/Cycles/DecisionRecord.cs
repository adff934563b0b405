namespace AutoRetrain.Core.Cycles;

/// <summary>A retrain decision as the decision log keeps it: what the policy said, when, and why.</summary>
public sealed record DecisionRecord(string Project, DateTimeOffset At, bool Retrain, IReadOnlyList<string> Reasons, string? CycleId = null);
