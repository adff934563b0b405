using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Activities;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration;

/// <summary>
/// The per-project cycle manager: a singleton, eternal orchestration (instance id <see cref="InstanceIdFor"/>).
/// A blank instance first rebuilds its state from the stores (<see cref="RecoverStateActivity"/>), so a restart or a
/// deletion never resets the cycle count or the champion. It then counts "tiles registered" signals, handles commands
/// (force retrain, pause, resume, configure, stop) and asks the retrain policy: for arrivals at most once per
/// debounce window or tile batch, on the timer path every check interval, at once for a command. A decision that
/// fails past its retries is recorded in the state and the manager goes on. A retrain runs as a sub-orchestration
/// whose id is unique per attempt. Signals that arrive while a cycle runs wait in the event buffer and are counted
/// afterwards; before each ContinueAsNew the buffer is drained into the state (microsoft/durabletask-dotnet#387),
/// and every generation handles a bounded number of waits (signals and timeouts), so the history stays bounded.
/// </summary>
public sealed class CycleManagerOrchestrator : TaskOrchestrator<ManagerState, ManagerState>
{
    public static string InstanceIdFor(string project) => $"cycle-manager-{project}";

    /// <summary>A cycle runs as the manager's sub-orchestration under its own id.</summary>
    public static string CycleInstanceIdFor(string cycleId) => cycleId;

    public override async Task<ManagerState> RunAsync(TaskOrchestrationContext context, ManagerState state)
    {
        var logger = context.CreateReplaySafeLogger<CycleManagerOrchestrator>();
        state = state with { Generation = state.Generation + 1, Version = context.Version };
        // Versioned behaviour: a generation begun by older code replays by the rule its history was written with.
        bool timeoutsCount = OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.TimeoutsCountTowardsTheCap);
        bool forcedNow = OrchestrationVersions.AtLeast(context.Version, OrchestrationVersions.DrainedCommandsDecideAtOnce);
        bool forcedTried = false; // once per generation, so a decision that keeps failing waits for the next check
        int handled = 0;
        bool stop = false;
        SetStatus(context, state, running: null);

        if (!state.Recovered)
        {
            try
            {
                state = await context.CallActivityAsync<ManagerState>(nameof(RecoverStateActivity), state,
                    OrchestrationRegistry.Retry(state.Config.ActivityAttempts));
            }
            catch (TaskFailedException ex)
            {
                // Never run blank (it would forget the champion): wait, then try again in a new generation.
                logger.LogRecoveryFailed(state.Project, ex.FailureDetails.ErrorMessage);
                state = state with { LastDecision = "recovery failed", LastDecisionReasons = [ex.FailureDetails.ErrorMessage] };
                SetStatus(context, state, running: null);
                await context.CreateTimer(Min(state.Config.CheckInterval, TimeSpan.FromMinutes(5)), CancellationToken.None);
                ContinueAsNew(context, state);
                return state;
            }
            SetStatus(context, state, running: null);
        }

        if (state.ResumeCycle is { } interrupted)
        {
            state = await RunCycleAsync(context, state with { ResumeCycle = null }, interrupted);
            state = Drain(context, state, ref stop);
            if (!stop)
            {
                ContinueAsNew(context, state);
                return state;
            }
        }

        var now = Now(context);
        state = state with { NextCheckAt = state.NextCheckAt ?? now + state.Config.CheckInterval };
        while (!stop && handled < state.Config.MaxSignalsPerGeneration)
        {
            // Paused: only signals matter (resume, stop); the timer path waits its own interval.
            // A forced retrain drained into the state (sent while the last cycle finished) is a command: decided now.
            bool forced = forcedNow && !forcedTried && !state.Paused && state.ForceReason is not null;
            var due = state.Paused ? now + state.Config.CheckInterval
                : state.UndecidedTiles >= state.Config.DecisionBatchTiles || forced ? now
                : Earliest(state.DecideBy, state.NextCheckAt!.Value);
            var timeout = due - now;
            ManagerSignal? signal = null;
            if (timeout > TimeSpan.Zero)
            {
                try
                {
                    signal = await context.WaitForExternalEvent<ManagerSignal>(ManagerSignal.EventName, timeout);
                }
                catch (TaskCanceledException)
                {
                    // No signal before the next due time: a debounce window closed or the check interval passed.
                }
            }
            if (signal is not null || timeoutsCount) handled++;
            now = Now(context);

            DecisionTrigger? trigger = null;
            if (signal is not null)
            {
                (state, stop) = Apply(state, signal, now);
                if (signal.Kind == SignalKind.ForceRetrain
                    || (signal.Kind == SignalKind.Resume && (!state.Pending.IsEmpty || state.ForceReason is not null)))
                    trigger = DecisionTrigger.Command;
                else if (state.UndecidedTiles >= state.Config.DecisionBatchTiles)
                    trigger = DecisionTrigger.Arrivals;
                SetStatus(context, state, running: null);
            }
            else if (state.Paused)
            {
                state = state with { NextCheckAt = now + state.Config.CheckInterval };
            }
            else if (forced)
            {
                trigger = DecisionTrigger.Command;
                forcedTried = true;
            }
            else if (state.NextCheckAt <= now)
            {
                trigger = DecisionTrigger.Timer;
            }
            else if (state.DecideBy <= now || state.UndecidedTiles >= state.Config.DecisionBatchTiles)
            {
                trigger = DecisionTrigger.Arrivals;
            }
            if (stop || state.Paused || trigger is not { } why) continue;
            // Signals already buffered join this decision instead of making the next one.
            state = Drain(context, state, ref stop);
            if (stop || state.Paused) continue;

            state = state with
            {
                UndecidedTiles = 0,
                DecideBy = null,
                NextCheckAt = why == DecisionTrigger.Timer ? now + state.Config.CheckInterval : state.NextCheckAt,
            };
            string nextCycleId = CycleIdFor(state.Project, state.CyclesStarted + 1, context.NewGuid());
            RetrainDecision decision;
            try
            {
                decision = await context.CallActivityAsync<RetrainDecision>(nameof(DecideActivity),
                    new DecideInput(state, now, why, nextCycleId), OrchestrationRegistry.Retry(state.Config.ActivityAttempts));
            }
            catch (TaskFailedException ex)
            {
                // The pending counts stay; the next arrival batch, command or check decides again.
                logger.LogDecisionFailed(state.Project, ex.FailureDetails.ErrorMessage);
                state = state with
                {
                    LastDecision = "failed",
                    LastDecisionReasons = [$"the decision failed: {ex.FailureDetails.ErrorMessage}"],
                    DecisionFailures = state.DecisionFailures + 1,
                };
                SetStatus(context, state, running: null);
                continue;
            }
            logger.LogDecision(state.Project, decision.Retrain ? "retrain" : "wait", string.Join("; ", decision.Reasons));
            state = state with { LastDecision = decision.Retrain ? "retrain" : "wait", LastDecisionReasons = decision.Reasons };
            if (!decision.Retrain) { SetStatus(context, state, running: null); continue; }

            state = await StartCycleAsync(context, state, decision, nextCycleId);
            // A cycle makes a long history: start a new generation after each one.
            break;
        }

        if (!stop) state = Drain(context, state, ref stop);
        if (stop)
        {
            context.SetCustomStatus(ManagerStatus.From(state, running: null) with { Stopped = true });
            return state;
        }
        ContinueAsNew(context, state);
        return state;
    }

    /// <summary>
    /// Cycle ids are unique per attempt: the number counts cycles, the suffix (a replay-safe GUID drawn by the manager)
    /// makes sure that a number reused after a reset never names an old cycle's snapshot, Azure ML job or model key.
    /// </summary>
    public static string CycleIdFor(string project, int number, Guid attempt) =>
        $"{project}-cycle-{number:D4}-{attempt.ToString("N")[..8]}";

    private static Task<ManagerState> StartCycleAsync(TaskOrchestrationContext context, ManagerState state, RetrainDecision decision,
        string cycleId)
    {
        var request = new CycleRequest(state.Project, cycleId, decision.Reasons,
            decision.Candidates.Count > 0 ? decision.Candidates : [new TrainingConfig()], state.ChampionModelId, state.Config);
        // The counts now belong to this cycle; whatever arrives from here on counts towards the next one.
        state = state with
        {
            CyclesStarted = state.CyclesStarted + 1,
            PreviousCyclePending = state.Pending,
            Pending = new PendingCounts(),
            ForceReason = null,
            LastCycleAt = Now(context),
        };
        return RunCycleAsync(context, state, request);
    }

    private static async Task<ManagerState> RunCycleAsync(TaskOrchestrationContext context, ManagerState state, CycleRequest request)
    {
        string cycleId = request.CycleId;
        SetStatus(context, state, running: cycleId);

        CycleSummary summary;
        string? champion = state.ChampionModelId;
        try
        {
            var result = await context.CallSubOrchestratorAsync<CycleResult>(nameof(TrainingCycleOrchestrator), request,
                new SubOrchestrationOptions { InstanceId = CycleInstanceIdFor(cycleId) });
            summary = new CycleSummary(result.CycleId, result.Status.ToString(), result.StartedAt, result.EndedAt,
                result.Reasons, result.CandidateMap, result.ChampionModelId);
            champion = result.ChampionModelId ?? champion;
        }
        catch (TaskFailedException ex)
        {
            // The cycle records its own failures; this is one it could not (its orchestration failed): remember it and go on.
            var at = Now(context);
            summary = new CycleSummary(cycleId, CycleStatus.Failed.ToString(), at, at,
                [$"the cycle orchestration failed: {ex.FailureDetails.ErrorMessage}"], null, champion);
        }
        state = state with
        {
            ChampionModelId = champion,
            RecentCycles = [.. state.RecentCycles.TakeLast(state.Config.RecentCyclesKept - 1), summary],
        };
        SetStatus(context, state, running: null);
        return state;
    }

    /// <summary>Applies one signal; pure, so it is the same on every replay.</summary>
    public static (ManagerState State, bool Stop) Apply(ManagerState state, ManagerSignal signal, DateTimeOffset now)
    {
        state = state with { SignalsReceived = state.SignalsReceived + 1 };
        switch (signal.Kind)
        {
            case SignalKind.TilesRegistered when signal.Tiles is { } tiles:
                if (state.RecentBatchIds.Contains(tiles.BatchId)) return (state, false);
                return (state with
                {
                    Pending = state.Pending.Add(tiles),
                    RecentBatchIds = [.. state.RecentBatchIds.TakeLast(999), tiles.BatchId],
                    UndecidedTiles = state.UndecidedTiles + tiles.NewTiles + tiles.Relabelled,
                    DecideBy = state.DecideBy ?? now + state.Config.DecisionDebounce,
                }, false);
            case SignalKind.ForceRetrain:
                return (state with { ForceReason = signal.Reason ?? "retrain forced by an operator" }, false);
            case SignalKind.Pause:
                return (state with { Paused = true }, false);
            case SignalKind.Resume:
                return (state with { Paused = false }, false);
            case SignalKind.Configure when signal.Config is { } config:
                return (state with { Config = config }, false);
            case SignalKind.Stop:
                return (state, true);
            default:
                return (state, false);
        }
    }

    /// <summary>
    /// Takes every signal already buffered, without waiting: a wait on a buffered event completes at once,
    /// and a wait that has not completed is cancelled, which leaves no timer and no pending waiter behind.
    /// </summary>
    private static ManagerState Drain(TaskOrchestrationContext context, ManagerState state, ref bool stop)
    {
        // Bounded by what is buffered: the first wait that does not complete at once ends it.
        bool buffered = true;
        while (buffered)
        {
            using var cts = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<ManagerSignal>(ManagerSignal.EventName, cts.Token);
            buffered = next.IsCompleted;
            if (!buffered)
            {
                cts.Cancel();
                continue;
            }
            (state, bool s) = Apply(state, next.Result, Now(context));
            stop |= s;
        }
        return state;
    }

    /// <summary>
    /// The next generation, on this code's version: an eternal instance started by an older deploy upgrades here, where
    /// its history starts empty and no replay can conflict. Buffered signals travel along.
    /// </summary>
    private static void ContinueAsNew(TaskOrchestrationContext context, ManagerState state) =>
        context.ContinueAsNew(new ContinueAsNewOptions
        {
            NewInput = state,
            PreserveUnprocessedEvents = true,
            NewVersion = OrchestrationVersions.Current,
        });

    private static void SetStatus(TaskOrchestrationContext context, ManagerState state, string? running) =>
        context.SetCustomStatus(ManagerStatus.From(state, running));

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
