using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Activities;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration;

/// <summary>
/// The per-project cycle manager: a singleton, eternal orchestration (instance id <see cref="InstanceIdFor"/>).
/// It counts "tiles registered" signals, handles commands (force retrain, pause, resume, configure, stop), asks
/// the retrain policy, and runs a training cycle as a sub-orchestration when the policy says so. Signals that
/// arrive while a cycle runs wait in the orchestration's event buffer and are counted afterwards. Before each
/// ContinueAsNew the buffer is drained into the state (microsoft/durabletask-dotnet#387), so none is lost,
/// and every generation handles a bounded number of signals, so the history stays bounded.
/// </summary>
public sealed class CycleManagerOrchestrator : TaskOrchestrator<ManagerState, ManagerState>
{
    public static string InstanceIdFor(string project) => $"cycle-manager-{project}";

    public override async Task<ManagerState> RunAsync(TaskOrchestrationContext context, ManagerState state)
    {
        var logger = context.CreateReplaySafeLogger<CycleManagerOrchestrator>();
        state = state with { Generation = state.Generation + 1 };
        int handled = 0;
        bool stop = false;
        context.SetCustomStatus(ManagerStatus.From(state, running: null));

        if (state.ResumeCycle is { } interrupted)
        {
            state = await RunCycleAsync(context, state with { ResumeCycle = null }, interrupted);
            state = Drain(context, state, ref stop);
            if (!stop)
            {
                context.ContinueAsNew(state, preserveUnprocessedEvents: true);
                return state;
            }
        }

        while (!stop && handled < state.Config.MaxSignalsPerGeneration)
        {
            ManagerSignal? signal = null;
            try
            {
                signal = await context.WaitForExternalEvent<ManagerSignal>(ManagerSignal.EventName, state.Config.CheckInterval);
            }
            catch (TaskCanceledException)
            {
                // No signal within the check interval: ask the policy anyway (staleness, cooldown expiry).
            }
            if (signal is not null)
            {
                handled++;
                (state, stop) = Apply(state, signal);
                context.SetCustomStatus(ManagerStatus.From(state, running: null));
            }
            if (stop || state.Paused) continue;

            bool somethingToJudge = !state.Pending.IsEmpty || state.ForceReason is not null || signal is null;
            if (!somethingToJudge) continue;

            var decision = await context.CallActivityAsync<RetrainDecision>(nameof(DecideActivity),
                new DecideInput(state, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero)),
                OrchestrationRegistry.Retry(state.Config.ActivityAttempts));
            logger.LogDecision(state.Project, decision.Retrain ? "retrain" : "wait", string.Join("; ", decision.Reasons));
            state = state with { LastDecision = decision.Retrain ? "retrain" : "wait", LastDecisionReasons = decision.Reasons };
            if (!decision.Retrain) { context.SetCustomStatus(ManagerStatus.From(state, running: null)); continue; }

            state = await StartCycleAsync(context, state, decision);
            // A cycle makes a long history: start a new generation after each one.
            break;
        }

        if (!stop) state = Drain(context, state, ref stop);
        if (stop)
        {
            context.SetCustomStatus(ManagerStatus.From(state, running: null) with { Stopped = true });
            return state;
        }
        context.ContinueAsNew(state, preserveUnprocessedEvents: true);
        return state;
    }

    public static string CycleIdFor(string project, int number) => $"{project}-cycle-{number:D4}";

    private static Task<ManagerState> StartCycleAsync(TaskOrchestrationContext context, ManagerState state, RetrainDecision decision)
    {
        int number = state.CyclesStarted + 1;
        var request = new CycleRequest(state.Project, CycleIdFor(state.Project, number), decision.Reasons,
            decision.Candidates.Count > 0 ? decision.Candidates : [new TrainingConfig()], state.ChampionModelId, state.Config);
        // The counts now belong to this cycle; whatever arrives from here on counts towards the next one.
        state = state with
        {
            CyclesStarted = number,
            PreviousCyclePending = state.Pending,
            Pending = new PendingCounts(),
            ForceReason = null,
            LastCycleAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero),
        };
        return RunCycleAsync(context, state, request);
    }

    private static async Task<ManagerState> RunCycleAsync(TaskOrchestrationContext context, ManagerState state, CycleRequest request)
    {
        string cycleId = request.CycleId;
        context.SetCustomStatus(ManagerStatus.From(state, running: cycleId));

        var result = await context.CallSubOrchestratorAsync<CycleResult>(nameof(TrainingCycleOrchestrator), request,
            new SubOrchestrationOptions { InstanceId = cycleId });

        var summary = new CycleSummary(result.CycleId, result.Status.ToString(), result.StartedAt, result.EndedAt,
            result.Reasons, result.CandidateMap, result.ChampionModelId);
        state = state with
        {
            ChampionModelId = result.ChampionModelId ?? state.ChampionModelId,
            RecentCycles = [.. state.RecentCycles.TakeLast(state.Config.RecentCyclesKept - 1), summary],
        };
        context.SetCustomStatus(ManagerStatus.From(state, running: null));
        return state;
    }

    /// <summary>Applies one signal; pure, so it is the same on every replay.</summary>
    public static (ManagerState State, bool Stop) Apply(ManagerState state, ManagerSignal signal)
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
        while (true)
        {
            using var cts = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<ManagerSignal>(ManagerSignal.EventName, cts.Token);
            if (!next.IsCompleted)
            {
                cts.Cancel();
                return state;
            }
            (state, bool s) = Apply(state, next.Result);
            stop |= s;
        }
    }
}

/// <summary>The manager's custom status: what the status API and `autoretrain status` show.</summary>
public sealed record ManagerStatus(
    string Project,
    bool Paused,
    bool Stopped,
    string? RunningCycle,
    PendingCounts Pending,
    int CyclesStarted,
    string? ChampionModelId,
    string? LastDecision,
    IReadOnlyList<string> LastDecisionReasons,
    long SignalsReceived,
    int Generation,
    IReadOnlyList<CycleSummary> RecentCycles)
{
    public static ManagerStatus From(ManagerState s, string? running) => new(s.Project, s.Paused, false, running, s.Pending,
        s.CyclesStarted, s.ChampionModelId, s.LastDecision, s.LastDecisionReasons, s.SignalsReceived, s.Generation, s.RecentCycles);
}
