namespace AutoRetrain.Orchestration.Contracts;

/// <summary>How the cycle manager runs; changed at run time by a Configure signal.</summary>
public sealed record ManagerConfig
{
    /// <summary>How often the manager asks the policy when no event arrives (staleness, cooldown expiry).</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Waits handled per generation before ContinueAsNew, keeping the history bounded: every signal and every timeout
    /// (a check-interval or debounce timer that fired) counts, so an idle manager starts new generations too.
    /// </summary>
    public int MaxSignalsPerGeneration { get; init; } = 100;

    /// <summary>
    /// Arrivals are decided on at most once per this interval: the first tile after a decision opens the window,
    /// further tiles join it, and the decision comes when it closes (or sooner, see <see cref="DecisionBatchTiles"/>).
    /// Zero (the default, what the local demo wants) decides as soon as the buffered signals are counted; the Functions
    /// host, where one upload makes hundreds of blob events, defaults to two minutes (<c>AutoRetrain__Manager__DecisionDebounce</c>).
    /// </summary>
    public TimeSpan DecisionDebounce { get; init; } = TimeSpan.Zero;

    /// <summary>Tiles arrived since the last decision that make the manager decide without waiting for the debounce window.</summary>
    public int DecisionBatchTiles { get; init; } = 100;

    /// <summary>Cycles kept in the manager's own state (the store keeps them all).</summary>
    public int RecentCyclesKept { get; init; } = 20;

    /// <summary>Monitor: first poll delay, growth factor and ceiling.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
    public double PollBackoff { get; init; } = 1.5;
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A training job still running after this long is cancelled and the cycle fails.</summary>
    public TimeSpan TrainingDeadline { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Attempts for every activity (first try included).</summary>
    public int ActivityAttempts { get; init; } = 3;
}
