using System.Diagnostics;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Promotion;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Synthetic;
using AutoRetrain.Cli.Configuration;
using AutoRetrain.Local;
using AutoRetrain.Local.Training;
using AutoRetrain.Local.Watching;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// Sizes of a demo run: <see cref="Quick"/> for CI, <see cref="Full"/> for people. A cycle's training is budgeted in
/// epochs, so the same command on the same data and seed trains the same models on a quiet and on a loaded machine;
/// <see cref="SafetyCapSeconds"/> only stops a training that runs far past any expected time (the trainer records
/// <c>stopReason: time-budget</c> when it fires, and the demo's table marks the cycle).
/// </summary>
public sealed record DemoSettings(
    int Batches, int TilesPerBatch, int TileSize, int HoldoutTiles, int Epochs, double SafetyCapSeconds,
    int? NewClassBatch, int? RisingClassBatch, int? SeasonChangeBatch, string Architecture, int Seed = 7)
{
    // Quick: 30 epochs a cycle, what its 35-second cap allowed on a quiet 2-core machine (about 75 s in all).
    public static readonly DemoSettings Quick = new(3, 48, 128, 40, Epochs: 30, SafetyCapSeconds: 900,
        NewClassBatch: 1, RisingClassBatch: 2, SeasonChangeBatch: null, "centernet-nano");

    // Full: the 85-second cap it had trained about 2,100 tiles a cycle (tiny at 256 px, about 25 img/s on 2 cores), from
    // 20-odd epochs of the first batch to 4 of the sixth. 12 epochs cold and 6 warm spend about the same in all
    // (12 x 90 + 6 x 90 x (2 + ... + 6) = 11,900 tiles against 12,700) with the budget moved towards the first model.
    public static readonly DemoSettings Full = new(6, 120, 256, 120, Epochs: 12, SafetyCapSeconds: 1800,
        NewClassBatch: 2, RisingClassBatch: 4, SeasonChangeBatch: 5, "centernet-tiny") { WarmStartEpochFraction = 0.5 };

    /// <summary>The settings for replaying a labelled folder: its batches and holdout, no generated drift events, and
    /// the training contract's own warm-start fraction (a third of the cold epochs: measured to reach the cold mAP50
    /// soonest, bench/results/detector-warmstart*.json) rather than the half the generated demo was tuned with.</summary>
    public static DemoSettings ForLabelledStream(DemoSettings size, LabelledFolderStream stream) => size with
    {
        Batches = stream.Batches.Count,
        TilesPerBatch = (stream.StreamImages + stream.Batches.Count - 1) / stream.Batches.Count,
        HoldoutTiles = stream.HoldoutImages,
        NewClassBatch = null, RisingClassBatch = null, SeasonChangeBatch = null, InputScale = null,
        WarmStartEpochFraction = new TrainingConfig().WarmStartEpochFraction,
    };

    /// <summary>A warm-started cycle trains this fraction of <see cref="Epochs"/> (at the cold peak learning rate).</summary>
    public double WarmStartEpochFraction { get; init; } = 1;

    /// <summary>The trainer's input scale. The generated demo's epochs and caps were measured at 1 (its smallest
    /// vehicles, about 8 px, would otherwise be upsampled ×1.25 and every tile would make two windows, doubling each
    /// cycle); a replayed folder leaves it to the trainer (null: chosen from its objects' sizes).</summary>
    public double? InputScale { get; init; } = 1;
}

/// <summary>One cycle as the demo reports it, with the champion's score on the fixed holdout afterwards.</summary>
public sealed record DemoCycle(string CycleId, string Outcome, double? CandidateMap50, double? HoldoutChampionMap50,
    IReadOnlyDictionary<string, double> HoldoutPerClassAp50, IReadOnlyList<string> TriggerReasons, IReadOnlyList<string> DecisionReasons,
    double TotalSeconds, double TrainSeconds, double ScoreSeconds)
{
    /// <summary>Why each candidate's training stopped (epochs, early-stop, target, time-budget), from its job.</summary>
    public IReadOnlyList<string> StopReasons { get; init; } = [];

    /// <summary>The wall-clock safety cap stopped a training: this cycle trained less than its epoch budget.</summary>
    public bool SafetyCapFired => StopReasons.Contains(TrainerStopReasons.TimeBudget);
}

/// <summary>What a demo run did; written to <c>demo-summary.json</c> in the workspace.</summary>
public sealed record DemoSummary(string Workdir, double WallSeconds, int Batches, IReadOnlyList<DemoCycle> Cycles,
    IReadOnlyList<DecisionRecord> Decisions, string? Champion, string Report, string Mlruns, double OrchestrationOverheadRatio);

/// <summary>
/// The main job on the local embedded default: a stream of overhead imagery arrives in batches, is ingested, and the
/// cycle manager decides and retrains; after each cycle the champion is scored on a fixed holdout. The stream is
/// generated (a rare class, a new class appearing, a class becoming common) unless a <see cref="IDemoStream"/> is
/// given, such as real labelled imagery replayed from a folder (<see cref="LabelledFolderStream"/>).
/// </summary>
public sealed class DemoRun(DemoSettings settings, string workdir, IDemoView view, LocalSettings? configured = null, IDemoStream? stream = null)
{
    public const string Project = "demo";

    /// <summary>The demo's own settings of the loop, before any configuration file, variable or option.</summary>
    public static LocalSettings Defaults(DemoSettings settings) => new(new CycleStepsOptions
    {
        Policy = new RetrainPolicyOptions
        {
            MinInitialLabelledTiles = settings.TilesPerBatch / 2,
            NewTilesThreshold = 2 * settings.TilesPerBatch,
            NewTileFractionThreshold = 0.6,
            MinObjectsForShift = 30,
            Cooldown = TimeSpan.Zero,
            MaxStaleness = null,
            GpuHoursPerWindow = null,
        },
        Gate = new PromotionGateOptions { BootstrapResamples = 300, MinMapGain = 0.005 },
        Training = new TrainingConfig
        {
            Epochs = settings.Epochs, InputSize = settings.TileSize, Seed = settings.Seed, InputScale = settings.InputScale,
            TimeBudgetSeconds = settings.SafetyCapSeconds, Architecture = settings.Architecture, Patience = 8,
            // A demo cycle trains a few epochs, so its champions are far from converged: the lower fine-tuning peak
            // slowed them down (holdout mAP50 0.58 instead of 0.79 after 6 batches), so warm cycles keep the cold peak.
            WarmStartEpochFraction = settings.WarmStartEpochFraction, WarmStartLearningRateFactor = 1,
            // A 0.99 moving average spans about 100 steps, a large part of a demo cycle's 150-300: it lagged a class
            // the cycle had just met (full demo: helicopter holdout AP50 0.25 with it, against 0.83 without).
            WeightAverageDecay = 0,
        },
        Candidates = 1,
        Experiment = Project,
    }, new TrainerSettings());

    public async Task<DemoSummary> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        DemoWorkdir.Prepare(workdir);
        var workspace = new LocalWorkspace(workdir);
        var source = stream ?? new GeneratedDemoStream(settings);
        var holdout = new Holdout(source.WriteHoldout(Path.GetDirectoryName(workspace.Store.PathOf(Containers.Datasets, "holdout/.keep"))!),
            workspace.Store, source.Classes);
        view.Info($"Workspace {workspace.Root}; fixed holdout of {holdout.Tiles.Count} {(stream is null ? "generated" : "labelled")} tiles.");

        var local = configured ?? Defaults(settings);
        var options = local.Cycles;
        var manager = new ManagerConfig
        {
            CheckInterval = TimeSpan.FromHours(1),
            PollInterval = TimeSpan.FromMilliseconds(500),
            PollBackoff = 1.2,
            MaxPollInterval = TimeSpan.FromSeconds(1),
            // Past the trainer's own cap: the deadline is for a trainer that hangs, not for a slow machine.
            TrainingDeadline = TimeSpan.FromSeconds((options.Training.TimeBudgetSeconds ?? settings.SafetyCapSeconds) * 1.5 + 300),
        };
        await using var pipeline = await LocalPipeline.StartAsync(workspace, Project, options, manager, local.Trainer);
        pipeline.Backend.EventReceived += view.TrainerEvent;
        var watcher = new FolderWatcher(workspace.IncomingFolder, workspace.CreateIngestion()) { SettleTime = TimeSpan.Zero };
        var demoCycles = new List<DemoCycle>();

        foreach (var batch in source.Batches)
        {
            ct.ThrowIfCancellationRequested();
            source.WriteBatch(batch, Path.Combine(workspace.IncomingFolder, batch.Folder));
            var outcomes = await watcher.ScanOnceAsync(ct: ct);
            int decisionsBefore = (await workspace.Cycles.ListDecisionsAsync(Project, ct)).Count;
            var signal = await pipeline.Arrivals.NotifyAsync(outcomes, ct);
            view.BatchArrived(batch, signal ?? TilesRegistered.From("", outcomes), outcomes.Count(o => o.Kind == IngestKind.Quarantined));
            if (signal is null) continue; // no tile became labelled: nothing for the manager to decide on

            var decision = await WaitForDecisionAsync(workspace, decisionsBefore, ct);
            view.Decided(decision);
            if (!decision.Retrain) continue;

            var record = await WaitForCycleAsync(pipeline, decision.CycleId!, ct);
            var champion = (await workspace.Registry.GetChampionAsync(ct)).ModelId;
            (double? map, IReadOnlyDictionary<string, double> perClass) = champion is null
                ? (null, new Dictionary<string, double>())
                : await holdout.ScoreAsync(pipeline.Predictor, (await workspace.Registry.GetVersionAsync(champion, ct))!.ArtifactKey, ct);
            var demoCycle = new DemoCycle(record.Id, record.Status.ToString(), record.Metrics.TryGetValue("mAP50", out var m) ? m : null,
                map, perClass, record.TriggerReasons, record.Status == CycleStatus.Failed ? [record.FailureCause ?? ""] : record.DecisionReasons,
                ((record.EndedAt ?? record.StartedAt) - record.StartedAt).TotalSeconds,
                record.DurationsSeconds.GetValueOrDefault("train"), record.DurationsSeconds.GetValueOrDefault("score"))
            {
                StopReasons = await StopReasonsAsync(pipeline.Backend, record, ct),
            };
            demoCycles.Add(demoCycle);
            view.CycleEnded(demoCycle);
        }

        string report = pipeline.Report.ReportPath;
        double total = demoCycles.Sum(c => c.TotalSeconds);
        double overhead = total > 0 ? demoCycles.Sum(c => c.TotalSeconds - c.TrainSeconds - c.ScoreSeconds) / total : 0;
        var summary = new DemoSummary(workspace.Root, clock.Elapsed.TotalSeconds, source.Batches.Count, demoCycles,
            await workspace.Cycles.ListDecisionsAsync(Project, ct), (await workspace.Registry.GetChampionAsync(ct)).ModelId,
            report, workspace.MlrunsFolder, overhead);
        await File.WriteAllTextAsync(Path.Combine(workspace.Root, Local.Reporting.ReportWriter.HoldoutFile), Json.Serialize(summary), ct);
        await pipeline.Report.WriteAsync(ct); // after the summary: the report's headline is the champion's holdout score in it
        return summary;
    }

    private static async Task<IReadOnlyList<string>> StopReasonsAsync(LocalProcessTrainingBackend backend, CycleRecord record, CancellationToken ct)
    {
        var reasons = new List<string>();
        foreach (var jobId in (record.BackendJobId ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (TrainerStopReasons.Of(await backend.GetStatusAsync(jobId, ct)) is { } reason) reasons.Add(reason);
        return reasons;
    }

    private static async Task<DecisionRecord> WaitForDecisionAsync(LocalWorkspace workspace, int before, CancellationToken ct)
    {
        // A guard against a stalled host, not a budget: a loaded machine only makes decisions slower.
        for (var until = DateTime.UtcNow.AddMinutes(30); DateTime.UtcNow < until; await Task.Delay(100, ct))
        {
            var decisions = await workspace.Cycles.ListDecisionsAsync(Project, ct);
            if (decisions.Count > before) return decisions[^1];
        }
        throw new AutoRetrainException("the cycle manager made no decision within 30 minutes.");
    }

    /// <summary>The cycle's record once the manager client reports its orchestration finished (every step done).</summary>
    private static async Task<CycleRecord> WaitForCycleAsync(LocalPipeline pipeline, string cycleId, CancellationToken ct)
    {
        var result = await pipeline.Manager.WaitForCycleAsync(cycleId, ct);
        return await pipeline.Workspace.Cycles.GetAsync(cycleId, ct) is { IsFinished: true } record ? record
            : throw new AutoRetrainException($"the cycle {cycleId} ended {result.Status} but its record was not saved: {string.Join("; ", result.Reasons)}");
    }

    private sealed record Holdout(IReadOnlyList<SnapshotEntry> Tiles, IArtifactStore Store, IReadOnlyList<string> Classes)
    {
        public async Task<(double? Map50, IReadOnlyDictionary<string, double> PerClass)> ScoreAsync(IModelPredictor predictor, string modelKey, CancellationToken ct)
        {
            var index = Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
            var truth = await DetectionScoring.GroundTruthAsync(Store, Tiles, index, ct);
            var metrics = (await DetectionScoring.EvaluateAsync(predictor, modelKey, Tiles, truth, Classes, ct)).AccumulateAll();
            var perClass = Classes.Select((c, i) => (c, ap: metrics.PerClassAP50[i])).Where(x => x.ap >= 0).ToDictionary(x => x.c, x => x.ap);
            return (metrics.AP50, perClass);
        }
    }
}
