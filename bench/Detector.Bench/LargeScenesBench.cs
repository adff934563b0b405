using System.Diagnostics;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Training;
using AutoRetrain.Synthetic;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// Generated large scenes (issue 13): N scenes of --size px (4,096 by default: a mosaic of 256-px blocks, objects 10–56 px,
/// 7 classes) written as PNG with sidecars, then
/// <list type="bullet">
/// <item>memory: for each checkpoint count (50, 100, 200 scenes), the peak RSS growth of reading those scenes through the
/// decoded-scene cache (each decoded once, as an epoch does) and a short training run on them, the peak reset between
/// checkpoints (<c>/proc/self/clear_refs</c>); with the cache it must not grow with the number of scenes;</item>
/// <item>quality: training on the first --train-scenes within the budget (minutes, or --epochs / --max-steps) and scene-level
/// mAP50 on --val-scenes held-out scenes (other generator indices), through the chip grid.</item>
/// </list>
/// </summary>
internal static class LargeScenesBench
{
    public static Dictionary<string, object?> Run(int seed, int scenes, int size, IReadOnlyList<int> checkpoints, int rssSteps,
        int trainScenes, int valScenes, TrainerOptions options, string work, string? scenesFolder = null)
    {
        var clock = Stopwatch.StartNew();
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = seed, TileSize = size, NamePrefix = "scene" });
        var (root, objects) = Generated(generator, seed, size, Math.Max(scenes, trainScenes), valScenes, scenesFolder ?? work);
        string all = Path.Combine(root, "scenes");
        double generateSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{(scenesFolder is null ? "generated" : "scenes in " + scenesFolder + ":")} {Math.Max(scenes, trainScenes) + valScenes} scenes of {size} px in {generateSeconds:F0} s");

        var memory = new List<Dictionary<string, object?>>();
        foreach (int count in checkpoints.Where(c => c <= scenes))
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            double liveBefore = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            var checkpoint = Checkpoint(Linked(all, Path.Combine(work, $"rss-{count}"), generator, count), count, rssSteps, options, work);
            checkpoint["liveManagedBeforeMB"] = liveBefore;
            memory.Add(checkpoint);
            Console.WriteLine($"{count} scenes: peak RSS growth {checkpoint["peakRssGrowthMB"]:F0} MB ({checkpoint["decodedMB"]:F0} MB decoded; "
                + $"managed heap {checkpoint["managedAtPeakMB"]:F0} MB at the peak, {checkpoint["peakManagedMB"]:F0} MB at most; "
                + $"{checkpoint["gen2Collections"]} gen-2 collections; live {liveBefore:F0} MB before, {checkpoint["liveManagedAfterMB"]:F0} MB after)");
        }

        if (trainScenes == 0) // --train-scenes 0: the memory checkpoints alone
            return new Dictionary<string, object?>
            {
                ["seed"] = seed, ["sceneSize"] = size, ["generateSeconds"] = generateSeconds,
                ["decodedScenesBudgetMB"] = options.DecodedScenesMegabytes, ["memory"] = memory,
            };
        Linked(all, Path.Combine(work, "quality", "train"), generator, trainScenes);
        Linked(Path.Combine(root, "val"), Path.Combine(work, "quality", "val"), generator, valScenes, first: Math.Max(scenes, trainScenes));
        var quality = DatasetReader.ReadFolder(Path.Combine(work, "quality"), options.DecodedScenesBytes);
        string modelFolder = Path.Combine(work, "model");
        var result = new Trainer(new ProgressWriter(Console.Out)).Train(new TrainingRequest(quality, modelFolder, options, CPU));
        var (model, metadata) = ModelArtefact.Load(modelFolder);
        using (model)
        {
            var measured = new Dictionary<string, object?>
            {
                ["seed"] = seed, ["sceneSize"] = size, ["scenesGenerated"] = Math.Max(scenes, trainScenes) + valScenes,
                ["objectsPerClassInScenes"] = objects, ["generateSeconds"] = generateSeconds,
                ["decodedScenesBudgetMB"] = options.DecodedScenesMegabytes, ["memory"] = memory,
                ["memoryNote"] = "the first checkpoint also holds libtorch's first-use allocations (thread pools, kernels); compare the later ones",
                ["trainScenes"] = trainScenes, ["valScenes"] = valScenes,
            };
            foreach (var (key, value) in RealBench.TrainingRun(options, metadata, result)) measured[key] = value;
            measured["sceneLevel"] = RealBench.Scores(model, metadata, quality.Validation);
            measured["target"] = "mAP50 >= 0.80 on held-out 4,096-px scenes in the 15-minute budget; peak RSS not growing with the scene count";
            return measured;
        }
    }

    /// <summary>
    /// One memory checkpoint: reads the scenes of <paramref name="folder"/> through the cache (each decoded once, as an
    /// epoch does), trains <paramref name="rssSteps"/> steps on them, and measures the peak. A method of its own so that
    /// nothing of it (the dataset, its cache) is still referenced from the caller's stack when the next checkpoint
    /// starts: in one loop body the previous checkpoint's locals kept its whole cache alive into the next one (session 13:
    /// 155 MB live before the second of three 2,048-px checkpoints with a 128-MB cache, and an out-of-memory under a
    /// 1.5-GB heap limit at the 200-scene checkpoint at 4,096 px).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Dictionary<string, object?> Checkpoint(string folder, int count, int rssSteps, TrainerOptions options, string work)
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        double before = Measurements.ResidentMegabytes();
        var sampler = new Measurements.MemorySampler();
        using var allocations = new AllocationTicks();
        var data = DatasetReader.ReadFolder(folder, options.DecodedScenesBytes);
        var step = Stopwatch.StartNew();
        long decoded = data.Train.Sum(t => { using var pixels = t.RentPixels(); return pixels.Pixels.LongLength; });
        double readSeconds = step.Elapsed.TotalSeconds;
        var train = new TileDataset($"rss-{count}", data.Train, data.Train.Take(1).ToList());
        new Trainer(new ProgressWriter(TextWriter.Null)).Train(new TrainingRequest(train, Path.Combine(work, $"rss-model-{count}"),
            options with { Epochs = 1, MaxSteps = rssSteps, TimeBudgetSeconds = null, PlanScheduleForTimeBudget = false }, CPU));
        sampler.Dispose();
        var cache = data.Train[0].PixelCache;
        // What stays live once the checkpoint's work is done, its dataset and cache still referenced.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        double liveAfter = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        GC.KeepAlive(data);
        return new Dictionary<string, object?>
        {
            ["scenes"] = count, ["decodedMB"] = decoded / 1048576.0, ["rssBeforeMB"] = before,
            ["peakRssGrowthMB"] = Measurements.PeakRssMegabytes() - before, ["cachePeakMB"] = cache?.PeakResidentBytes / 1048576.0,
            ["cacheDecodes"] = cache?.Decodes, ["readSeconds"] = readSeconds,
            ["sampledPeakRssGrowthMB"] = sampler.PeakRssMB - before, ["managedAtPeakMB"] = sampler.ManagedAtPeakMB,
            ["peakManagedMB"] = sampler.PeakManagedMB, ["gen2Collections"] = sampler.Gen2Collections,
            ["cacheArraysReused"] = cache?.ArraysReused, ["allocatedMBByHeapAndType"] = allocations.Top(8),
            ["liveManagedAfterMB"] = liveAfter,
        };
    }

    /// <summary>
    /// The generated scenes (<c>scenes/</c>, and <c>val/</c> after them in the generator's order) under
    /// <paramref name="folder"/>: written there, or, when <c>generated.json</c> there records the same seed, size and counts,
    /// the ones an earlier run wrote (<c>--scenes-folder</c>: generation takes 10 minutes at 4,096 px, and a run under a
    /// GC heap limit measures the pipeline's reading, not the generator's).
    /// </summary>
    private static (string Root, IReadOnlyDictionary<string, int> Objects) Generated(SyntheticGenerator generator, int seed, int size,
        int scenes, int valScenes, string folder)
    {
        string marker = Path.Combine(folder, "generated.json");
        var key = new ScenesKey(seed, size, scenes, valScenes);
        if (File.Exists(marker) && System.Text.Json.JsonSerializer.Deserialize<GeneratedScenes>(File.ReadAllText(marker)) is { } earlier
            && earlier.Key == key)
            return (folder, earlier.Objects);
        var writer = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png);
        var objects = writer.WriteTiles(Path.Combine(folder, "scenes"), 0, scenes);
        writer.WriteTiles(Path.Combine(folder, "val"), scenes, valScenes);
        File.WriteAllText(marker, System.Text.Json.JsonSerializer.Serialize(new GeneratedScenes(key, objects.ToDictionary())));
        return (folder, objects);
    }

    private sealed record ScenesKey(int Seed, int Size, int Scenes, int ValScenes);

    private sealed record GeneratedScenes(ScenesKey Key, Dictionary<string, int> Objects);

    /// <summary>A folder holding <paramref name="count"/> scenes from generator index <paramref name="first"/> (links to the
    /// images and their sidecars).</summary>
    private static string Linked(string source, string folder, SyntheticGenerator generator, int count, int first = 0)
    {
        Directory.CreateDirectory(folder);
        for (int i = first; i < first + count; i++)
            foreach (string name in new[] { generator.NameOf(i) + ".png", Core.Labels.LabelFile.SidecarNameFor(generator.NameOf(i) + ".png") })
                if (!File.Exists(Path.Combine(folder, name)))
                    File.CreateSymbolicLink(Path.Combine(folder, name), Path.Combine(source, name));
        return folder;
    }
}
