using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Activities;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using Microsoft.DurableTask;

namespace AutoRetrain.Orchestration;

/// <summary>
/// One training cycle: prepare the snapshot and sample weights → train K candidates in parallel (fan-out of
/// monitored jobs, fan-in) → score the candidates and the champion on the same validation split → promotion
/// gate → record. Any failure is recorded with its cause and returned; it never escapes to the manager.
/// Instance id: the cycle id.
/// </summary>
public sealed class TrainingCycleOrchestrator : TaskOrchestrator<CycleRequest, CycleResult>
{
    public override async Task<CycleResult> RunAsync(TaskOrchestrationContext context, CycleRequest request)
    {
        var retry = OrchestrationRegistry.Retry(request.Config.ActivityAttempts);
        var started = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var record = new CycleRecord
        {
            Id = request.CycleId,
            Project = request.Project,
            StartedAt = started,
            TriggerReasons = request.TriggerReasons,
            BaseModelId = request.ChampionModelId,
            Config = request.Candidates.FirstOrDefault() ?? new TrainingConfig(),
            Status = CycleStatus.Preparing,
        };
        var durations = new Dictionary<string, double>();
        IReadOnlyList<TrainingJobResult> jobs = [];
        GateVerdict? verdict = null;
        try
        {
            await Save(context, request, record, jobs, null, retry);
            var t0 = context.CurrentUtcDateTime;
            var prepared = await context.CallActivityAsync<PreparedCycle>(nameof(PrepareCycleActivity),
                new PrepareInput(request, Now(context)), retry);
            durations["prepare"] = (context.CurrentUtcDateTime - t0).TotalSeconds;

            record = record with { SnapshotId = prepared.SnapshotId, Status = CycleStatus.Training, DurationsSeconds = durations };
            await Save(context, request, record, jobs, null, retry);
            t0 = context.CurrentUtcDateTime;
            var tasks = request.Candidates.Select((config, i) => context.CallSubOrchestratorAsync<TrainingJobResult>(
                nameof(TrainingJobOrchestrator),
                new TrainingJobInput(request.CycleId, CycleKeys.CandidateName(config, i), prepared.SnapshotKey, request.ChampionModelId,
                    prepared.WeightsKeys.ElementAtOrDefault(i), config, request.Config),
                new SubOrchestrationOptions { InstanceId = JobInstanceId(request.CycleId, i) })).ToList();
            jobs = await Task.WhenAll(tasks);
            durations["train"] = (context.CurrentUtcDateTime - t0).TotalSeconds;

            var succeeded = jobs.Where(j => j.Succeeded).ToList();
            record = record with { BackendJobId = string.Join(",", jobs.Select(j => j.JobId)), DurationsSeconds = durations };
            if (succeeded.Count == 0)
                return await Finish(context, request, record with
                {
                    Status = CycleStatus.Failed,
                    FailureCause = string.Join("; ", jobs.Select(j => $"{j.Candidate}: {j.Error}")),
                }, jobs, null, retry);

            record = record with { Status = CycleStatus.Scoring };
            await Save(context, request, record, jobs, null, retry);
            t0 = context.CurrentUtcDateTime;
            verdict = await context.CallActivityAsync<GateVerdict>(nameof(ScoreAndGateActivity),
                new ScoreInput(request.CycleId, prepared.SnapshotKey, succeeded.Select(j => j.ModelId).ToList(), request.ChampionModelId),
                retry);
            durations["score"] = (context.CurrentUtcDateTime - t0).TotalSeconds;

            string? champion = request.ChampionModelId;
            if (verdict.Promote && verdict.BestCandidateModelId is { } best)
                champion = await context.CallActivityAsync<string>(nameof(PromoteActivity),
                    new PromoteInput(request.CycleId, best, request.ChampionModelId), retry);

            return await Finish(context, request, record with
            {
                Status = verdict.Promote ? CycleStatus.Promoted : CycleStatus.Rejected,
                CandidateModelId = verdict.BestCandidateModelId,
                Metrics = WithTrainSteps(verdict.CandidateMetrics, succeeded.FirstOrDefault(j => j.ModelId == verdict.BestCandidateModelId)),
                DecisionReasons = verdict.Reasons,
                DurationsSeconds = durations,
                BaseModelId = request.ChampionModelId,
            }, jobs, verdict, retry, champion);
        }
        catch (TaskFailedException ex)
        {
            return await Finish(context, request, record with
            {
                Status = CycleStatus.Failed,
                FailureCause = $"{ex.TaskName} failed: {ex.FailureDetails.ErrorMessage}",
                DurationsSeconds = durations,
            }, jobs, verdict, retry);
        }
    }

    /// <summary>The gate's metrics of the best candidate, with the optimiser steps its training took (the cost the
    /// strategy choice divides the gain by).</summary>
    private static IReadOnlyDictionary<string, double> WithTrainSteps(IReadOnlyDictionary<string, double> metrics, TrainingJobResult? best) =>
        best?.Metrics.TryGetValue(TrainerMetrics.TrainSteps, out double steps) == true
            ? new Dictionary<string, double>(metrics) { [TrainerMetrics.TrainSteps] = steps }
            : metrics;

    public static string JobInstanceId(string cycleId, int candidate) => $"{cycleId}-job-{candidate}";

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    private static Task Save(TaskOrchestrationContext context, CycleRequest request, CycleRecord record,
        IReadOnlyList<TrainingJobResult> jobs, GateVerdict? verdict, TaskOptions retry) =>
        context.CallActivityAsync<bool>(nameof(RecordCycleActivity), new RecordInput(request, record, jobs, verdict), retry);

    private static async Task<CycleResult> Finish(TaskOrchestrationContext context, CycleRequest request, CycleRecord record,
        IReadOnlyList<TrainingJobResult> jobs, GateVerdict? verdict, TaskOptions retry, string? champion = null)
    {
        var logger = context.CreateReplaySafeLogger<TrainingCycleOrchestrator>();
        var ended = Now(context);
        record = record with { EndedAt = ended };
        var reasons = record.Status == CycleStatus.Failed ? [record.FailureCause ?? "unknown failure"] : record.DecisionReasons;
        try
        {
            await Save(context, request, record, jobs, verdict, retry);
        }
        catch (TaskFailedException ex)
        {
            // Recording is the last step: its failure is reported, but the cycle's outcome stands.
            reasons = [.. reasons, $"recording the cycle failed: {ex.FailureDetails.ErrorMessage}"];
        }
        if (record.Status == CycleStatus.Failed) logger.LogCycleFailed(record.Id, record.FailureCause ?? "");
        else logger.LogCycleEnded(record.Id, record.Status.ToString(), string.Join("; ", reasons));
        record.Metrics.TryGetValue("mAP50", out double map);
        return new CycleResult(record.Id, record.Status, reasons, champion ?? request.ChampionModelId,
            record.Metrics.Count > 0 ? map : null, record.StartedAt, ended);
    }
}
