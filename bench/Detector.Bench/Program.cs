using System.Diagnostics;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Bench;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using AutoRetrain.Detector.Data;
using static TorchSharp.torch;

// quality:   train on generated tiles for a wall-clock budget; mAP50 overall and per class on held-out tiles,
//            training/inference/loader throughput, data wait, peak RSS, share of step time outside libtorch.
// overhead:  only the step-time split (the trainer's step on real batches vs. near-empty ones), in seconds.
// warmstart: cold run on all tiles vs. a run warm-started from a model trained on half of them; time for the
//            warm run to reach the cold run's final mAP50, as a fraction of the cold run's time.
//            --base-epochs N (default 2 x --epochs: the cold run's step count), --cache <dir> (reuse cold and base runs),
//            --warm-epoch-fraction, --warm-lr-factor, --out <file name>
// sampling:  per seed, the same long-tailed tiles and the same epochs, trained with uniform sampling and with LVIS
//            repeat-factor sampling; the rarest class's AP50 under each on class-balanced validation tiles (issue 7's
//            selection-bias check). --seeds 11,12,13 --exponent 2.5 --threshold 0.5
//            --variants uniform,repeat-factor,class-balanced-loss,both (default uniform,repeat-factor; "both" is
//            repeat-factor sampling with the class-balanced loss) --out <file name>
// inference: the forward pass against the same architecture in PyTorch (pytorch_reference.py, python3-torch), taking
//            turns in one run (run with OMP_WAIT_POLICY=PASSIVE, so the idle side's OpenMP workers do not spin, and
//            GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432, the allocator
//            settings the .NET side sets for itself); then one --scene-size (10,000) px scene through the chip grid: megapixels/s, peak RSS.
//            --thread-counts 1,2 --rounds 7 --forwards 5 --batch 16 --classes 6 [--model <folder>]
// steps:     the trainer's step (batch to the device, forward, loss, backward, AdamW, loss read back) against the same
//            step in PyTorch (pytorch_reference.py: same architecture, loss, AdamW, weights and batch), taking turns in one
//            run; --device cpu|cuda (cpu) --batch 16 --chip 256 --threads 2 --rounds 7 --steps 10 --arch nano; the
//            interpreter is AUTORETRAIN_PYTHON when set; on the CPU run with OMP_WAIT_POLICY=PASSIVE (recorded).
//            --out <file name> (default detector-steps-<device>-<arch>.json)
// heapcheck: with the heap mitigation off, forward and backward of every architecture on a heap filled with freed
//            NaN buffers; counts the tries with NaN (the evidence for DetectorArchitecture.PadsChannels). --tries 6 --input 64
// real:      --set <folder with train/ and val/> (make-realdata.sh's layout): import, train on train for --minutes (15)
//            (the schedule planned to fit them) or --epochs, score val at scene level (COCO AP, AP50 per class); --evaluate-set <other set> adds a
//            cross-set score on its val; --max-steps N the schedule of N steps (another run's plan); --images N keeps the first N images of each split; --class-as <name> renames
//            every class (for cross-set runs between sets that name the class differently); --input 256; --scale S the
//            input scale (chip pixels per scene pixel; chosen from the objects when absent); --giou W adds
//            the GIoU box term with weight W (0, off); --regression-area B the cells of the centre B × each box regress it (TTFNet; 0, the centre cell); --views N (8) also scores val with N flipped/rotated views of each
//            chip averaged (predict --views), beside the one-view score; --scales 1,1.5 scores both again at those
//            test-time scales (predict --scales); --keep-model <folder> trains the model there and keeps it; --batch N (16)
//            and --lr R (3e-3) the batch size and peak learning rate; --device cpu|cuda|auto (cpu) trains and scores there
// large-scenes: --scenes N (200) generated --size (4096) px scenes; peak RSS growth of reading and briefly training on
//            --checkpoints 50,100,200 of them (--rss-steps 20) through a --budget-mb (512) decoded-scene cache; then
//            training on --train-scenes (20) for --minutes (15) or --epochs / --max-steps and scene-level mAP50 on
//            --val-scenes (5) held-out scenes; --out <file name> (default large-scenes.json); --scenes-folder <dir> generates
//            the scenes there and keeps them, or reuses the ones an earlier run with the same seed, size and counts wrote;
//            --class-balanced-loss trains with Cui et al.'s class-balanced loss (classBalancedLoss); --window-class-balance P
//            weights the order of a scene's object windows by (n_max / n_c)^P (objectWindowClassBalance; the trainer's
//            default, 0.5, when absent; 0 is the plain order)
string mode = args.FirstOrDefault() ?? "quality";
int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();
int seed = Arg("--seed", 11), train = Arg("--train", 1000), validation = Arg("--val", 200);
int minutes = Arg("--minutes", 15), threads = Arg("--threads", 2), epochs = Arg("--epochs", 100);
string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
double Number(string name, double fallback) => Text(name) is { } t ? double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : fallback;
string architecture = Text("--arch") ?? "nano";
set_num_threads(threads);
string results = Path.Combine(FindRepoRoot(), "bench", "results");
Directory.CreateDirectory(results);
string work = Path.Combine(Path.GetTempPath(), $"detector-bench-{Environment.ProcessId}");
const string BenchResultFile = "bench-result.json"; // a cached run's TrainingResult, next to its model

if (mode == "heapcheck")
{
    var measured = HeapCheck.Run(Arg("--tries", 6), Arg("--input", 64), Arg("--batch", 4));
    measured["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}";
    measured["machine"] = MachineState();
    Write("heap-check.json", measured);
    return 0;
}

if (mode == "steps")
{
    var stepDevice = DeviceChoice.Resolve(Text("--device") ?? "cpu");
    var measured = StepBench.Run(architecture, Arg("--batch", 16), Arg("--chip", 256), stepDevice, threads, Arg("--rounds", 7), Arg("--steps", 10), seed);
    // As for the inference mode: on shared cores run with OMP_WAIT_POLICY=PASSIVE, so the idle side does not spin.
    measured["ompWaitPolicy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
    measured["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}";
    measured["machine"] = MachineState();
    Write(Text("--out") ?? $"detector-steps-{measured["device"]}-{architecture}.json", measured);
    return 0;
}

if (mode == "inference")
{
    var machineAtStart = MachineState();
    var threadCounts = (Text("--thread-counts") ?? "1,2").Split(',').Select(int.Parse).ToList();
    var measured = InferenceBench.Run(architecture, Arg("--classes", 6), Arg("--batch", 16), Arg("--chip", 256), threadCounts,
        Arg("--rounds", 7), Arg("--forwards", 5), Arg("--scene-size", 10_000), threads, Text("--model"));
    // Taking turns on shared cores: an idle side whose OpenMP workers spin (the default wait policy) slows the side
    // running, so the figures are taken with OMP_WAIT_POLICY=PASSIVE; and the Python side is given the allocator
    // settings this process sets itself (NativeHeap.KeepFreedMemory) through GLIBC_TUNABLES. Both are recorded here.
    measured["ompWaitPolicy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
    measured["glibcTunables"] = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
    measured["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}";
    measured["target"] = "TorchSharp forward <= 1.1 x PyTorch on the same architecture and input";
    measured["peakRssMB"] = Measurements.PeakRssMegabytes();
    measured["machine"] = machineAtStart;
    measured["loadAverageAtEnd"] = File.ReadAllText("/proc/loadavg").Trim();
    measured["machineShared"] = "other engineers' builds and tests ran on the same 2 cores; turns alternate so both sides see the same load";
    Write("detector-inference.json", measured);
    return 0;
}

if (mode == "large-scenes")
{
    var largeOptions = new TrainerOptions
    {
        Architecture = architecture, Epochs = epochs, BatchSize = 16, InputSize = args.Contains("--input") ? Arg("--input", 256) : null, LearningRate = 3e-3, Seed = seed,
        Patience = 1000, TimeBudgetSeconds = minutes * 60,
        // As in the real mode: --max-steps replays another run's planned steps (an A/B at the same schedule, on a busy
        // machine too), so only a minutes budget alone plans the schedule for the time.
        PlanScheduleForTimeBudget = !args.Contains("--epochs") && !args.Contains("--max-steps"),
        MaxSteps = args.Contains("--max-steps") ? Arg("--max-steps", 0) : null, DecodedScenesMegabytes = Arg("--budget-mb", 512),
        ClassBalancedLoss = args.Contains("--class-balanced-loss"), ObjectWindowClassBalance = Number("--window-class-balance", new TrainerOptions().ObjectWindowClassBalance),
    };
    try
    {
        var measured = LargeScenesBench.Run(seed, Arg("--scenes", 200), Arg("--size", 4096),
            (Text("--checkpoints") ?? "50,100,200").Split(',').Select(int.Parse).ToList(), Arg("--rss-steps", 20),
            Arg("--train-scenes", 20), Arg("--val-scenes", 5), largeOptions, Path.Combine(work, "large-scenes"), Text("--scenes-folder"));
        measured["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}";
        measured["peakRssMB"] = Measurements.PeakRssMegabytes();
        measured["machine"] = MachineState();
        Write(Text("--out") ?? "large-scenes.json", measured);
    }
    finally
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
    return 0;
}

if (mode == "real")
{
    string set = Text("--set") ?? throw new AutoRetrainException("real: --set <folder with train/ and val/> is required.");
    var realOptions = new TrainerOptions
    {
        Architecture = architecture, Epochs = epochs, BatchSize = Arg("--batch", 16), InputSize = args.Contains("--input") ? Arg("--input", 256) : null, LearningRate = Number("--lr", 3e-3), Seed = seed,
        InputScale = args.Contains("--scale") ? Number("--scale", 1) : null,
        Patience = 1000, TimeBudgetSeconds = minutes * 60, GiouWeight = Number("--giou", 0), RegressionArea = Number("--regression-area", 0),
        MaxSteps = args.Contains("--max-steps") ? Arg("--max-steps", 0) : null,
        // A minutes budget without --epochs or --max-steps plans the schedule for the time left after the first epoch, so
        // the run anneals inside its budget (the figure is then machine-dependent, and the JSON says so: "schedule": "time").
        // --max-steps replays another run's planned steps exactly (an A/B at the same schedule, on a busy machine too).
        PlanScheduleForTimeBudget = !args.Contains("--epochs") && !args.Contains("--max-steps"),
    };
    string realWork = Path.Combine(work, "real");
    try
    {
        var measured = RealBench.Run(set, Text("--evaluate-set"), realOptions, args.Contains("--images") ? Arg("--images", 0) : null,
            Text("--class-as"), realWork, AutoRetrain.Detector.Inference.DihedralViews.Check(Arg("--views", 8), "--views"),
            Text("--scales") is { } scaleText ? AutoRetrain.Detector.Inference.PredictionOptions.ParseScales(scaleText, "--scales") : null,
            Text("--keep-model") is { } keep ? Path.GetFullPath(keep) : null, DeviceChoice.Resolve(Text("--device") ?? "cpu"));
        measured["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}";
        measured["peakRssMB"] = Measurements.PeakRssMegabytes();
        measured["machine"] = MachineState();
        Write(Text("--out") ?? $"real-{Path.GetFileName(Path.TrimEndingDirectorySeparator(set))}.json", measured);
    }
    finally
    {
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
    return 0;
}

var generateClock = Stopwatch.StartNew();
// The warm-start comparison is between two runs' validation mAP50, so it validates on class-balanced tiles (every
// class measured on many instances); the other modes keep the generator's default mix.
var (trainTiles, valTiles) = mode == "warmstart"
    ? BenchData.GenerateBalancedValidation(seed, train, validation, 256)
    : BenchData.Generate(seed, train, validation, 256);
double generateSeconds = generateClock.Elapsed.TotalSeconds;
var options = new TrainerOptions
{
    Architecture = architecture, Epochs = epochs, BatchSize = 16, InputSize = 256, LearningRate = 3e-3, Seed = seed,
    Patience = 6, TimeBudgetSeconds = minutes * 60,
};
var progress = new ProgressWriter(Console.Out);
var machine = MachineState();

if (mode == "overhead")
{
    var overhead = Measurements.MeasureStepOverhead(trainTiles, BenchData.Classes(trainTiles), architecture, 256, 16, steps: 20);
    Write("detector-step-overhead.json", new Dictionary<string, object?>
    {
        ["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}",
        ["architecture"] = architecture, ["chip"] = 256, ["batchSize"] = 16, ["stepMsReal"] = overhead.RealStepMs,
        ["stepMsNearEmpty"] = overhead.TinyStepMs, ["outsideLibtorchShareUpperBound"] = overhead.OutsideLibtorchShareUpperBound,
        ["target"] = 0.10, ["machine"] = machine,
    });
}
else if (mode == "quality")
{
    var data = new TileDataset($"synthetic-seed{seed}", trainTiles, valTiles);
    var result = new Trainer(progress).Train(new TrainingRequest(data, Path.Combine(work, "model"), options, CPU));
    var (model, metadata) = ModelArtefact.Load(Path.Combine(work, "model"));
    double inference = Measurements.InferenceImagesPerSecond(new ScenePredictor(model, 256, metadata.Normalisation, CPU), valTiles);
    double loader = Measurements.LoaderImagesPerSecond(trainTiles, metadata.Classes, 256, 16, 320);
    var overhead = Measurements.MeasureStepOverhead(trainTiles, metadata.Classes, architecture, 256, 16, steps: 20);
    Write("detector-quality.json", new Dictionary<string, object?>
    {
        ["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}",
        ["seed"] = seed, ["trainTiles"] = train, ["validationTiles"] = validation, ["chip"] = 256, ["architecture"] = architecture,
        ["budgetMinutes"] = minutes, ["epochsRun"] = result.Epochs, ["stopReason"] = result.StopReason,
        ["valMap50"] = result.BestValMap50, ["perClassAp50"] = result.PerClassAp50,
        ["trainSeconds"] = result.TrainSeconds, ["trainImagesPerSec"] = result.TrainImagesPerSecond,
        ["dataWaitFraction"] = result.DataWaitFraction, ["loaderImagesPerSec"] = loader,
        ["loaderToTrainingRatio"] = loader / result.TrainImagesPerSecond, ["inferenceImagesPerSec"] = inference,
        ["stepMsReal"] = overhead.RealStepMs, ["stepMsNearEmpty"] = overhead.TinyStepMs,
        ["outsideLibtorchShareUpperBound"] = overhead.OutsideLibtorchShareUpperBound,
        ["peakRssMB"] = Measurements.PeakRssMegabytes(), ["generateSeconds"] = generateSeconds, ["machine"] = machine,
    });
    model.Dispose();
}
else if (mode == "warmstart")
{
    // The base model stands for the previous cycle's champion: half the tiles, trained by default with the same number
    // of optimiser steps as the cold run (twice the epochs over half the tiles), as a champion trained to its own budget
    // would be; --base-epochs sets it. --cache <dir> keeps the cold and base runs, so warm schedules can be compared
    // against the very same cold run and base model without training them again.
    int baseEpochs = Arg("--base-epochs", 2 * epochs);
    string runs = Text("--cache") is { } cacheRoot
        ? Path.Combine(cacheRoot, $"warmstart-{architecture}-seed{seed}-train{train}-balancedval{validation}-epochs{epochs}")
        : work;
    string coldFolder = Path.Combine(runs, "cold");
    bool reused = File.Exists(Path.Combine(coldFolder, BenchResultFile));
    var all = new TileDataset($"synthetic-seed{seed}", trainTiles, valTiles);
    var half = all with { Train = trainTiles.Take(trainTiles.Count / 2).ToList() };
    var cold = Cached(coldFolder, () => new Trainer(progress).Train(new TrainingRequest(all, coldFolder, options, CPU)));
    string baseFolder = Path.Combine(runs, $"half-epochs{baseEpochs}");
    var baseRun = Cached(baseFolder, () => new Trainer(progress).Train(
        new TrainingRequest(half, baseFolder, options with { Epochs = baseEpochs }, CPU)));
    var warmOptions = options with
    {
        TargetMap50 = cold.BestValMap50,
        WarmStartEpochFraction = Number("--warm-epoch-fraction", options.WarmStartEpochFraction),
        WarmStartLearningRateFactor = Number("--warm-lr-factor", options.WarmStartLearningRateFactor),
    };
    var warm = new Trainer(progress).Train(new TrainingRequest(all, Path.Combine(work, "warm"), warmOptions, CPU)
        { BaseModelFolder = baseFolder });
    Write(Text("--out") ?? "detector-warmstart.json", new Dictionary<string, object?>
    {
        ["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}",
        ["seed"] = seed, ["trainTiles"] = train, ["validationTiles"] = validation, ["validationClassMix"] = "balanced (every class equally often)",
        ["budgetMinutesPerRun"] = minutes, ["coldEpochs"] = epochs, ["baseTrainTiles"] = half.Train.Count, ["baseEpochs"] = baseEpochs,
        ["baseValMap50"] = baseRun.BestValMap50, ["baseSeconds"] = baseRun.TrainSeconds,
        ["warmStartEpochFraction"] = warmOptions.WarmStartEpochFraction, ["warmStartLearningRateFactor"] = warmOptions.WarmStartLearningRateFactor,
        ["coldValMap50"] = cold.BestValMap50, ["coldSeconds"] = cold.TrainSeconds, ["coldEpochsRun"] = cold.Epochs,
        ["coldRunReusedFromCache"] = reused,
        ["warmValMap50"] = warm.BestValMap50, ["warmSeconds"] = warm.TrainSeconds, ["warmEpochsRun"] = warm.Epochs,
        ["warmStopReason"] = warm.StopReason, ["warmReachedColdMap"] = warm.BestValMap50 >= cold.BestValMap50,
        ["warmToColdTimeFraction"] = warm.TrainSeconds / cold.TrainSeconds, ["target"] = 0.3, ["machine"] = machine,
    });
}
else if (mode == "sampling")
{
    // Several seeds (each its own generated stream and its own training runs); the training tiles are long-tailed
    // (class mix (rank+1)^-exponent), the validation tiles class-balanced so the rarest class is measured on hundreds
    // of instances. Same budget for both samplers: the repeat-factor weights are scaled to sum to the tile count, so
    // an epoch draws as many tiles under either, and both runs get the same epochs with no early stop.
    var seeds = (Text("--seeds") ?? seed.ToString()).Split(',').Select(int.Parse).ToList();
    double exponent = Number("--exponent", 2.5), threshold = Number("--threshold", 0.5);
    var budget = options with { Patience = 1000, Epochs = epochs, TimeBudgetSeconds = null };
    var variants = (Text("--variants") ?? "uniform,repeat-factor").Split(',').ToList();
    if (variants.Count < 2 || variants[0] != "uniform" || variants.Except(["uniform", "repeat-factor", "class-balanced-loss", "both"]).Any())
    {
        Console.Error.WriteLine("--variants: uniform first, then one or more of repeat-factor, class-balanced-loss, both");
        return 2;
    }
    var runs = new List<Dictionary<string, object?>>();
    foreach (int s in seeds)
    {
        var (longTail, balanced) = BenchData.GenerateLongTail(s, train, validation, 256, exponent);
        var data = new TileDataset($"synthetic-longtail-seed{s}", longTail, balanced);
        var objects = longTail.SelectMany(t => t.Objects).GroupBy(o => o.Class).ToDictionary(g => g.Key, g => g.Count());
        int total = objects.Values.Sum();
        string rarest = objects.OrderBy(kv => kv.Value).First().Key;
        var sampler = new RepeatFactorSampling(threshold);
        var samplingTiles = longTail.Select(t => new SamplingTile
        {
            TileId = t.TileId,
            ClassCounts = t.Objects.GroupBy(o => o.Class).ToDictionary(g => g.Key, g => g.Count()),
        }).ToList();
        var weights = sampler.Weigh(new SamplingInput { Tiles = samplingTiles, Seed = s });
        double scale = longTail.Count / weights.Sum(w => w.Weight);
        weights = weights.Select(w => w with { Weight = w.Weight * scale }).ToList();
        var seeded = budget with { Seed = s };
        var trained = variants.ToDictionary(v => v, v => new Trainer(progress).Train(new TrainingRequest(data, Path.Combine(work, $"{v}-{s}"),
            seeded with { ClassBalancedLoss = v is "class-balanced-loss" or "both" }, CPU)
            { TileWeights = v is "repeat-factor" or "both" ? weights : null }));
        double Ap(IReadOnlyDictionary<string, double> perClass) => perClass.TryGetValue(rarest, out var v) ? v : 0;
        var uniform = trained["uniform"];
        var repeat = trained.GetValueOrDefault("repeat-factor") ?? trained[variants[1]];
        runs.Add(new Dictionary<string, object?>
        {
            ["seed"] = s, ["rarestClass"] = rarest, ["rarestShareOfTrainingObjects"] = (double)objects[rarest] / total,
            ["trainingObjectsPerClass"] = objects,
            ["validationObjectsPerClass"] = balanced.SelectMany(t => t.Objects).GroupBy(o => o.Class).ToDictionary(g => g.Key, g => g.Count()),
            ["classRepeatFactors"] = sampler.ClassRepeatFactors(samplingTiles),
            ["uniform"] = new { rarestAp50 = Ap(uniform.PerClassAp50), mAP50 = uniform.BestValMap50, perClassAp50 = uniform.PerClassAp50, uniform.Epochs, uniform.TrainSeconds },
            ["repeatFactor"] = new { rarestAp50 = Ap(repeat.PerClassAp50), mAP50 = repeat.BestValMap50, perClassAp50 = repeat.PerClassAp50, repeat.Epochs, repeat.TrainSeconds },
            ["rarestAp50GainPoints"] = 100 * (Ap(repeat.PerClassAp50) - Ap(uniform.PerClassAp50)),
            ["mAP50GainPoints"] = 100 * (repeat.BestValMap50 - uniform.BestValMap50),
            ["classLossWeights"] = Trainer.ClassBalancedWeights(uniform.Classes, longTail, seeded.ClassBalancedLossBeta),
            ["variants"] = trained.ToDictionary(kv => kv.Key, kv => new
            {
                rarestAp50 = Ap(kv.Value.PerClassAp50), mAP50 = kv.Value.BestValMap50, perClassAp50 = kv.Value.PerClassAp50,
                rarestAp50GainPoints = 100 * (Ap(kv.Value.PerClassAp50) - Ap(uniform.PerClassAp50)), kv.Value.Epochs, kv.Value.TrainSeconds,
            }),
        });
        Console.WriteLine($"seed {s}: {rarest} AP50 " + string.Join(", ", trained.Select(kv => $"{kv.Key} {Ap(kv.Value.PerClassAp50):F3}")));
    }
    var gains = runs.Select(r => (double)r["rarestAp50GainPoints"]!).ToList();
    Write(Text("--out") ?? "sampling-rare-class.json", new Dictionary<string, object?>
    {
        ["command"] = $"dotnet run -c Release --project bench/Detector.Bench -- {string.Join(' ', args)}",
        ["trainTiles"] = train, ["validationTiles"] = validation, ["validationClassMix"] = "balanced (every class equally often)",
        ["longTailExponent"] = exponent, ["repeatFactorThreshold"] = threshold, ["architecture"] = architecture,
        ["epochsPerRun"] = epochs, ["seeds"] = seeds, ["variants"] = variants,
        ["meanRarestAp50GainPoints"] = gains.Average(), ["minRarestAp50GainPoints"] = gains.Min(),
        ["meanMap50GainPoints"] = runs.Average(r => (double)r["mAP50GainPoints"]!),
        ["targetPoints"] = 10, ["runs"] = runs, ["machine"] = machine,
    });
}
else
{
    Console.Error.WriteLine($"unknown mode '{mode}': quality, overhead, warmstart, sampling, inference or real");
    return 2;
}
try { Directory.Delete(work, recursive: true); } catch (IOException) { }
return 0;

// A finished run's result is kept next to its model (BenchResultFile), so --cache can reuse it.
TrainingResult Cached(string folder, Func<TrainingResult> run)
{
    string file = Path.Combine(folder, BenchResultFile);
    if (File.Exists(file)) return JsonSerializer.Deserialize<TrainingResult>(File.ReadAllText(file), Json.Options)!;
    var result = run();
    File.WriteAllText(file, JsonSerializer.Serialize(result, Json.Options));
    return result;
}

Dictionary<string, object?> MachineState() => new()
{
    ["processorCount"] = Environment.ProcessorCount, ["torchThreads"] = threads,
    ["loadAverageAtStart"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
};

void Write(string name, Dictionary<string, object?> fields)
{
    string path = Path.Combine(results, name);
    File.WriteAllText(path, JsonSerializer.Serialize(fields, Json.Options));
    Console.WriteLine($"wrote {path}");
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
