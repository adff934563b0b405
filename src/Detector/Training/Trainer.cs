using System.Diagnostics;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Evaluation;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// Trains the CenterNet detector: warm start (with a grown class list; a shorter schedule at a lower peak, see
/// <see cref="TrainerOptions.ForWarmStart"/>) or from scratch, AdamW with linear warm-up and cosine decay planned over
/// the budget (<see cref="SchedulePlan"/>), weighted tile sampling, optional class-balanced loss, augmentation,
/// validation mAP50 after each epoch with early stopping, the best weights kept in the output folder with the epoch
/// metrics (<c>epochs.jsonl</c>), then per-tile statistics.
/// </summary>
public sealed class Trainer(ProgressWriter progress)
{
    public const string StatsFile = "tile-stats.jsonl";
    public const string EpochsFile = TrainerOutputs.EpochMetrics;

    public TrainingResult Train(TrainingRequest request)
    {
        var options = request.Options.Validated("training configuration");
        if (request.BaseModelFolder is not null) options = options.ForWarmStart();
        var data = request.Data;
        if (data.Train.Count == 0) throw new AutoRetrainException("the training data holds no training tiles.");
        Seed(options.Seed);

        ModelMetadata? baseMetadata = request.BaseModelFolder is null ? null : ModelArtefact.ReadMetadata(request.BaseModelFolder);
        var classes = WarmStart.GrowClassList(baseMetadata?.Classes ?? [], data.ClassesInLabels());
        var architecture = DetectorArchitecture.Named(baseMetadata?.Architecture ?? options.ArchitectureName);
        var norm = baseMetadata?.Normalisation ?? Normalisation.Default;
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);

        using var model = new CenterNet(architecture, classes.Count);
        if (request.BaseModelFolder is not null)
        {
            var (baseModel, _) = ModelArtefact.Load(request.BaseModelFolder);
            using (baseModel) WarmStart.CopyWeights(baseModel, model);
        }
        model.to(request.Device);
        if (request.Device.type == DeviceType.CUDA)
        {
            // TorchSharp 0.107 has no autocast/GradScaler; TF32 tensor cores are the reduced precision it offers.
            backends.cuda.matmul.allow_tf32 = true;
            backends.cudnn.allow_tf32 = true;
        }

        // The weights that are evaluated, kept and saved: their moving average, or the live ones when averaging is off.
        using var averaged = options.WeightAverageDecay > 0 ? new CenterNet(architecture, classes.Count) : null;
        averaged?.to(request.Device);
        var average = averaged is null ? null : new WeightAverage(model, averaged, options.WeightAverageDecay);
        var kept = averaged ?? model;

        var listed = request.TileWeights?.ToDictionary(w => w.TileId, StringComparer.Ordinal);
        var weights = listed is null ? null
            : data.Train.Select(t => listed.TryGetValue(t.TileId, out var w) ? w : new TileWeight(t.TileId, 1)).ToList();
        // Chip size and resampling: the base model's (it learnt at them), else the configuration's, else chosen from the objects' sizes.
        var (chipSize, baseScale) = baseMetadata is not null
            ? (baseMetadata.InputSize, InputScale.Quantised(baseMetadata.InputScale, baseMetadata.InputSize))
            : InputScale.Choose(data.Train.SelectMany(t => t.Objects).Select(o => o.Bounds), options.InputSize, options.InputScale);
        double region = InputScale.RegionFor(chipSize, baseScale);
        // Recorded beside the scale: a warm start keeps the base model's, as it keeps its scale.
        double? groundSample = baseMetadata is null ? InputScale.TrainingGroundSample(data.Train) : baseMetadata.GroundSampleMetres;
        var loader = new BatchLoader(data.Train, classIndex, chipSize, options.BatchSize, norm, options.Augmentation, baseScale,
            options.RegressionArea);
        int scenesPerPool = EpochSamples.ScenesPerPool(data.Train);
        var predictor = new ScenePredictor(kept, chipSize, norm, request.Device, inputScale: baseScale, groundSampleMetres: groundSample);
        using var optimizer = new HeldAdamW(model.parameters(), options.LearningRate, options.WeightDecay);
        // Scenes larger than the chip region yield windows in proportion to their area (EpochSamples).
        int samplesPerEpoch = EpochSamples.ExpectedCount(data.Train, weights?.Select(w => w.Weight).ToList(), region);
        int stepsPerEpoch = (samplesPerEpoch + options.BatchSize - 1) / options.BatchSize;
        var plan = SchedulePlan.For(options, stepsPerEpoch);
        var windowWeights = EpochSamples.ClassWindowWeights(data.Train, options.ObjectWindowClassBalance);
        var lossWeights = options.ClassBalancedLoss ? ClassBalancedWeights(classes, data.Train, options.ClassBalancedLossBeta) : null;
        using var classWeights = lossWeights is null ? null : tensor(lossWeights.Select(w => (float)w).ToArray()).to(request.Device);
        Directory.CreateDirectory(request.OutFolder);
        string epochsPath = Path.Combine(request.OutFolder, EpochsFile);
        File.Delete(epochsPath);

        progress.Write("start", new Dictionary<string, object?>
        {
            ["snapshotId"] = data.SnapshotId, ["trainTiles"] = data.Train.Count, ["validationTiles"] = data.Validation.Count,
            ["classes"] = classes, ["architecture"] = architecture.Name, ["device"] = request.Device.type.ToString().ToLowerInvariant(),
            ["baseModel"] = request.BaseModelFolder, ["epochs"] = options.Epochs, ["seed"] = options.Seed,
            ["schedule"] = request.BaseModelFolder is null ? "cold" : "warm-start", ["learningRate"] = options.LearningRate,
            ["weightAverageDecay"] = options.WeightAverageDecay, ["maxSteps"] = options.MaxSteps,
            ["timeBudgetSeconds"] = options.TimeBudgetSeconds, ["batchSize"] = options.BatchSize, ["inputSize"] = chipSize,
            ["inputScale"] = baseScale, ["groundSampleMetres"] = groundSample, ["giouWeight"] = options.GiouWeight, ["regressionArea"] = options.RegressionArea,
            ["samplesPerEpoch"] = samplesPerEpoch, ["backgroundWindowFraction"] = options.BackgroundWindowFraction,
            ["objectWindowClassWeights"] = windowWeights,
            ["classLossWeights"] = lossWeights is null ? null : classes.Zip(lossWeights).ToDictionary(p => p.First, p => p.Second),
        });

        var rng = new Random(options.Seed);
        var clock = Stopwatch.StartNew();
        double best = double.NegativeInfinity, waitSeconds = 0;
        IReadOnlyDictionary<string, double> bestPerClass = new Dictionary<string, double>();
        int step = 0, epochsRun = 0, sinceBest = 0, lastFitStep = 0;
        double? speedFromSeconds = null;
        // Seconds a step since step SpeedFromStep (evaluations included), or since the start for a run not yet there.
        double SecondsPerStep() => speedFromSeconds is { } from && step > SpeedFromStep
            ? (clock.Elapsed.TotalSeconds - from) / (step - SpeedFromStep)
            : clock.Elapsed.TotalSeconds / Math.Max(1, step);
        long imagesSeen = 0;
        string stopReason = plan.Basis;
        // One fit of a time-planned schedule at the speed since step SpeedFromStep; its plan event is written when
        // announced (the first fit, and after epoch 1) or when the planned length moves by 5 % or more.
        void FitPlanToTime(double budget, bool announce)
        {
            var before = plan;
            plan = plan.FitToTime(step, clock.Elapsed.TotalSeconds, budget, SecondsPerStep());
            stopReason = plan.Basis;
            if (announce || Math.Abs(plan.TotalSteps - before.TotalSteps) >= 0.05 * before.TotalSteps) WritePlan(plan, before);
            lastFitStep = step;
        }
        WritePlan(plan, null);
        for (int epoch = 1; step < plan.TotalSteps; epoch++)
        {
            model.train();
            var tileOrder = weights is null ? EpochOrder.Shuffled(data.Train.Count, rng) : EpochOrder.For(weights, epoch - 1, rng);
            int epochSeed = rng.Next();
            var order = EpochSamples.Expand(tileOrder, data.Train, region, options.BackgroundWindowFraction, scenesPerPool, ~epochSeed, windowWeights);
            // The plan may end inside this epoch (a step budget, or a time plan).
            int batchesLeft = plan.TotalSteps - step;
            // A time plan may lengthen inside the epoch, so its epoch is not cut: the loop stops when the plan ends.
            if (!options.PlanScheduleForTimeBudget && (long)batchesLeft * options.BatchSize < order.Length)
                order = order[..(batchesLeft * options.BatchSize)];
            bool timeUp = false;
            double lossSum = 0;
            int lossCount = 0;
            var epochClock = Stopwatch.StartNew();
            var waitClock = Stopwatch.StartNew();
            foreach (var batch in loader.Batches(order, epochSeed, recycle: true))
            {
                waitSeconds += waitClock.Elapsed.TotalSeconds;
                double rate = LearningRateAt(plan.ScheduleStep(step++), plan.TotalSteps, options);
                optimizer.LearningRate = rate;
                float loss = Step(model, optimizer, batch, request.Device, classWeights, options.GiouWeight);
                if (!float.IsFinite(loss)) throw TrainingDivergedException.At(epoch, step, loss, rate);
                lossSum += loss * batch.Count;
                average?.Update();
                lossCount += batch.Count;
                imagesSeen += batch.Count;
                // The wall-clock cap is a safety net: it stops the run between steps, and the stop reason says so.
                if (options.TimeBudgetSeconds is { } cap && clock.Elapsed.TotalSeconds >= cap) { timeUp = true; break; }
                if (step == SpeedFromStep) speedFromSeconds = clock.Elapsed.TotalSeconds;
                // A schedule planned for the time budget is first fitted early in the first epoch, so a long epoch (a
                // real set cut into scene windows) does not use the budget up before the plan exists; then every
                // RefitSteps steps, so an early fit made while the machine was busy does not end the run early (it once
                // planned 209 steps of a 900-s budget from 4 s a step); and when each epoch ends. Every fit uses the
                // speed since step SpeedFromStep (start-up left out, scene decodes and evaluations in): speeds over short
                // windows swing with the scene pools' decodes (a 100-step window measured 0.9 s a step, the next 0.5).
                if (options.PlanScheduleForTimeBudget && options.TimeBudgetSeconds is { } planBudget && step < plan.TotalSteps
                    && step >= EarlyPlanSteps && (step == EarlyPlanSteps || step - lastFitStep >= RefitSteps))
                    FitPlanToTime(planBudget, announce: plan.Basis != "time");
                if (step >= plan.TotalSteps) break;
                waitClock.Restart();
            }
            epochsRun = epoch;
            double epochSeconds = epochClock.Elapsed.TotalSeconds;

            var evaluation = DetectorEvaluator.Evaluate(predictor, classes, data.Validation);
            bool hasValidation = data.Validation.Count > 0;
            bool improved = !hasValidation || evaluation.Map50 > best;
            if (improved)
            {
                best = hasValidation ? evaluation.Map50 : double.NaN;
                bestPerClass = evaluation.PerClassAp50;
                sinceBest = 0;
                SaveArtefact(kept, classes, architecture, chipSize, baseScale, groundSample, norm, request, Metrics(evaluation, lossSum / lossCount, step));
            }
            else sinceBest++;

            string line = progress.Write("epoch", new Dictionary<string, object?>
            {
                ["epoch"] = epoch, ["step"] = step, ["plannedSteps"] = plan.TotalSteps,
                ["progress"] = (double)step / plan.TotalSteps, ["loss"] = lossSum / lossCount,
                ["valMap50"] = hasValidation ? evaluation.Map50 : null, ["bestValMap50"] = hasValidation ? best : null,
                ["learningRate"] = LearningRateAt(plan.ScheduleStep(step), plan.TotalSteps, options),
                ["imagesPerSec"] = lossCount / epochSeconds, ["seconds"] = clock.Elapsed.TotalSeconds,
                ["perClassAp50"] = evaluation.PerClassAp50,
            });
            File.AppendAllText(epochsPath, line + "\n");

            if (hasValidation && options.TargetMap50 is { } target && evaluation.Map50 >= target) { stopReason = "target"; break; }
            if (hasValidation && sinceBest >= options.Patience) { stopReason = "early-stop"; break; }
            if (options.TimeBudgetSeconds is { } budget)
            {
                if (timeUp || clock.Elapsed.TotalSeconds >= budget) { stopReason = "time-budget"; break; }
                // Fitted again after every epoch, its evaluation now counted in the speed.
                if (options.PlanScheduleForTimeBudget && step < plan.TotalSteps)
                    FitPlanToTime(budget, announce: epoch == 1);
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // The statistics describe the model that is kept: the best one, reloaded from the artefact.
        var (saved, _) = ModelArtefact.Load(request.OutFolder);
        using (saved)
        {
            saved.to(request.Device);
            string modelId = Path.GetFileName(Path.GetFullPath(request.OutFolder).TrimEnd(Path.DirectorySeparatorChar));
            var stats = TileStatsCollector.Collect(saved, data.Train, classIndex, chipSize, norm, request.Device, options.BatchSize,
                request.CycleId ?? modelId, modelId, baseScale);
            File.WriteAllText(Path.Combine(request.OutFolder, StatsFile), TileTrainingStatsFile.Write(stats));
        }

        var result = new TrainingResult(classes, best, bestPerClass, epochsRun, trainSeconds,
            imagesSeen / trainSeconds, waitSeconds / trainSeconds, stopReason);
        progress.Write("done", new Dictionary<string, object?>
        {
            ["progress"] = 1.0, ["valMap50"] = double.IsFinite(best) ? best : null, ["epochsRun"] = epochsRun,
            ["stepsRun"] = step, ["plannedSteps"] = plan.TotalSteps, ["stopReason"] = stopReason, ["trainSeconds"] = trainSeconds, ["imagesPerSec"] = result.TrainImagesPerSecond,
            ["dataWaitFraction"] = result.DataWaitFraction, ["model"] = request.OutFolder, ["perClassAp50"] = bestPerClass,
        });
        return result;

        void WritePlan(SchedulePlan planned, SchedulePlan? replaced) => progress.Write("plan", new Dictionary<string, object?>
        {
            ["basis"] = planned.Basis, ["plannedSteps"] = planned.TotalSteps, ["stepsPerEpoch"] = planned.StepsPerEpoch,
            ["epochs"] = planned.Epochs, ["replacedSteps"] = replaced?.TotalSteps, ["atStep"] = step,
            ["secondsPerStep"] = step > 0 ? clock.Elapsed.TotalSeconds / step : null,
        });
    }

    /// <summary>Class-balanced loss weights (Cui et al.) in the model's class order, from the training tiles' object
    /// counts; a class without training objects (kept from a base model) weighs 1.</summary>
    public static double[] ClassBalancedWeights(IReadOnlyList<string> classes, IReadOnlyList<LabelledTile> tiles, double beta)
    {
        var counts = LabelledTile.ObjectsPerClass(tiles).Where(p => classes.Contains(p.Key))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (counts.Count == 0) return classes.Select(_ => 1.0).ToArray();
        var weights = ClassLossWeights.FromCounts(counts, beta).Weights;
        return classes.Select(c => weights.TryGetValue(c, out var w) ? w : 1.0).ToArray();
    }

    /// <summary>One optimisation step on one batch; returns the batch's mean loss. The benchmark times this same code.</summary>
    public static float Step(CenterNet model, HeldAdamW optimizer, ChipBatch batch, Device device, Tensor? classWeights = null,
        double giouWeight = 0)
    {
        using var scope = NewDisposeScope();
        var t = BatchTensors.From(batch, device);
        optimizer.ZeroGrad();
        var loss = CenterNetLoss.PerSample(model.call(t.Images), t.Heatmap, t.Size, t.Offset, t.Mask, classWeights, giouWeight).mean();
        loss.backward();
        optimizer.Step();
        return loss.item<float>();
    }

    public static void Seed(int seed)
    {
        random.manual_seed(seed);
        if (cuda.is_available()) cuda.manual_seed_all(seed);
    }

    /// <summary>Steps after which a time-planned schedule is first fitted (then again when the first epoch ends).</summary>
    public const int EarlyPlanSteps = 20;

    /// <summary>Steps between two fits of a time-planned schedule inside an epoch (after the early one).</summary>
    public const int RefitSteps = 100;

    /// <summary>The speed a time plan is fitted at is measured from this step: the first ones carry start-up.</summary>
    public const int SpeedFromStep = 10;

    private static Dictionary<string, double> Metrics(EvaluationResult evaluation, double loss, int steps)
    {
        var metrics = new Dictionary<string, double> { ["trainLoss"] = loss, [TrainerMetrics.TrainSteps] = steps };
        if (evaluation.Images > 0)
        {
            metrics["valMap50"] = evaluation.Map50;
            foreach (var (cls, ap) in evaluation.PerClassAp50) metrics[$"AP50/{cls}"] = ap;
        }
        return metrics;
    }

    private static void SaveArtefact(CenterNet model, IReadOnlyList<string> classes, DetectorArchitecture architecture, int chipSize,
        double inputScale, double? groundSample, Normalisation norm, TrainingRequest request, IReadOnlyDictionary<string, double> metrics)
    {
        ModelArtefact.Save(model, new ModelMetadata
        {
            Architecture = architecture.Name, Classes = classes, InputSize = chipSize, InputScale = inputScale,
            GroundSampleMetres = groundSample, OutputStride = DetectorArchitecture.OutputStride, Normalisation = norm,
            SnapshotId = request.Data.SnapshotId, BaseModel = request.BaseModelFolder,
            CodeVersion = ModelArtefact.CodeVersion, Seed = request.Options.Seed,
            TrainedAt = DateTimeOffset.UtcNow, Metrics = metrics,
        }, request.OutFolder);
    }

    public static double LearningRateAt(int step, int totalSteps, TrainerOptions options) =>
        LearningRateAt((double)step, totalSteps, options);

    /// <summary>The rate at a schedule position in steps of a <paramref name="totalSteps"/>-step plan, possibly fractional
    /// (<see cref="SchedulePlan.ScheduleStep"/>): linear warm-up, then cosine decay to the floor.</summary>
    public static double LearningRateAt(double step, int totalSteps, TrainerOptions options)
    {
        int warmup = Math.Max(1, (int)(totalSteps * options.WarmupFraction));
        if (step < warmup) return options.LearningRate * Math.Min(warmup, step + 1) / warmup;
        double progress = Math.Min(1, (double)(step - warmup) / Math.Max(1, totalSteps - warmup));
        double floor = options.FinalLearningRateFraction;
        return options.LearningRate * (floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
