using System.Collections.Concurrent;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// The cycle steps with a scripted backend, so that orchestration tests control what training does
/// (finish, fail, hang) while the real in-process Durable Task host runs the real orchestrators.
/// </summary>
public sealed class ScriptedSteps : ICycleSteps
{
    public enum JobBehaviour { Complete, Fail, Hang, WaitForRelease }

    public int RetrainAtTiles { get; set; } = 1;
    public JobBehaviour Behaviour { get; set; } = JobBehaviour.Complete;
    public int Candidates { get; set; } = 1;
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource TrainingStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<DecideInput> Decisions { get; } = new();
    public ConcurrentQueue<TrainingJobInput> Submitted { get; } = new();
    public ConcurrentQueue<string> Cancelled { get; } = new();
    public ConcurrentQueue<RecordInput> Records { get; } = new();
    public ConcurrentQueue<PromoteInput> Promotions { get; } = new();
    private int _jobs;

    /// <summary>While true, every decision throws (an unreachable store, a bug): the activity fails past its retries.</summary>
    public bool FailDecisions { get; set; }

    /// <summary>What the stores hold: the champion pointer, the recorded cycles, labelled tiles no snapshot has frozen yet.</summary>
    public string? StoredChampion { get; private set; }
    public ConcurrentDictionary<string, CycleRecord> StoredCycles { get; } = new();
    public int UnfrozenTiles { get; set; }
    public ConcurrentQueue<ManagerState> Recoveries { get; } = new();

    public Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct)
    {
        Recoveries.Enqueue(seed);
        var pending = UnfrozenTiles == 0 ? seed.Pending
            : new PendingCounts().Add(new TilesRegistered("recovered", UnfrozenTiles, UnfrozenTiles, 0, 0,
                new Dictionary<string, int> { ["ship"] = UnfrozenTiles }));
        return Task.FromResult(seed with
        {
            ChampionModelId = StoredChampion ?? seed.ChampionModelId,
            CyclesStarted = Math.Max(seed.CyclesStarted, StoredCycles.Count),
            Pending = pending,
            Recovered = true,
        });
    }

    public Task<RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct)
    {
        Decisions.Enqueue(input);
        if (FailDecisions) throw new InvalidOperationException("the ledger cannot be read");
        bool retrain = input.State.ForceReason is not null || input.State.Pending.NewTiles >= RetrainAtTiles;
        var candidates = Enumerable.Range(0, Candidates).Select(i => new TrainingConfig { Sampler = $"s{i}", Seed = i }).ToList();
        return Task.FromResult(retrain
            ? new RetrainDecision(true, [$"{input.State.Pending.NewTiles} new tiles ≥ {RetrainAtTiles}"], candidates)
            : new RetrainDecision(false, ["not enough new tiles"], []));
    }

    public Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct) =>
        Task.FromResult(new PreparedCycle($"snap-{input.Request.CycleId}", $"snapshots/{input.Request.CycleId}.json", 10, 2,
            input.Request.Candidates.Select(_ => (string?)null).ToList()));

    public Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct)
    {
        Submitted.Enqueue(input);
        TrainingStarted.TrySetResult();
        return Task.FromResult($"job-{Interlocked.Increment(ref _jobs)}-{input.Candidate}");
    }

    public Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct) => Task.FromResult(Behaviour switch
    {
        JobBehaviour.Complete => new TrainingJobStatus(jobId, TrainingJobState.Completed, 1),
        JobBehaviour.Fail => new TrainingJobStatus(jobId, TrainingJobState.Failed, 0.3, "out of memory on the GPU"),
        JobBehaviour.WaitForRelease when Release.Task.IsCompleted => new TrainingJobStatus(jobId, TrainingJobState.Completed, 1),
        _ => new TrainingJobStatus(jobId, TrainingJobState.Running, 0.5),
    });

    public Task CancelTrainingAsync(string jobId, CancellationToken ct)
    {
        Cancelled.Enqueue(jobId);
        return Task.CompletedTask;
    }

    public Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct) =>
        Task.FromResult(new TrainingJobResult(input.Job.Candidate, input.JobId, $"model-{input.JobId}", true, null, input.TrainSeconds,
            new Dictionary<string, double> { ["mAP50"] = 0.5 + input.Job.Config.Seed / 10.0, [TrainerMetrics.TrainSteps] = 100 * (input.Job.Config.Seed + 1) }));

    /// <summary>The candidate trained with the highest seed scores best; it is promoted.</summary>
    public Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct)
    {
        string best = input.CandidateModelIds.OrderBy(id => id, StringComparer.Ordinal).Last(id => id.Contains($"-{Candidates - 1}-s"));
        return Task.FromResult(new GateVerdict(true, best, [$"{best} beats the champion"],
            new Dictionary<string, double> { ["mAP50"] = 0.7 }, new Dictionary<string, double>()));
    }

    public Task<string> PromoteAsync(PromoteInput input, CancellationToken ct)
    {
        Promotions.Enqueue(input);
        StoredChampion = input.ModelId;
        return Task.FromResult(input.ModelId);
    }

    public Task RecordAsync(RecordInput input, CancellationToken ct)
    {
        Records.Enqueue(input);
        StoredCycles[input.Record.Id] = input.Record;
        return Task.CompletedTask;
    }
}
