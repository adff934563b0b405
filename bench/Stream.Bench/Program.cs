// The real stream (issue 13): `autoretrain demo --data <set> --batches N` replays a labelled set as a stream of batches,
// against one cold cycle on all of it (`--batches 1`, the same settings and holdout). Reports the champion's holdout
// mAP50 after every batch, the gap to the all-data model, and the cumulative training time against retraining from
// scratch on every batch.
// Run: dotnet run -c Release --project bench/Stream.Bench -- --data <set with train/ and val/> [--batches 5]
//        [--arch centernet-nano] [--seed 7] [--cli src/Cli/bin/Release/net10.0/autoretrain.dll] [--out <json>]
// Retraining from scratch on every batch is not run: a cold cycle on the first k of N equal batches trains the same
// epochs over k/N of the tiles, so its steps are k/N of the all-data cycle's (exact when every tile yields the same
// windows, as the 600-px GDIT tiles do; HRPlanes' frames differ little), and its time is taken as k/N of the all-data
// cycle's measured time: the cumulative from-scratch cost is the all-data time × (1 + 2 + ... + N) / N. The same is
// reported in optimiser steps (from each training's epochs.jsonl), which do not depend on the machine's load.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

string? Text(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string data = Text("--data") ?? throw new ArgumentException("--data <labelled set with train/ and val/> is required");
int batches = int.Parse(Text("--batches") ?? "5");
string arch = Text("--arch") ?? "centernet-nano";
string seed = Text("--seed") ?? "7";
string cli = Path.GetFullPath(Text("--cli") ?? "src/Cli/bin/Release/net10.0/autoretrain.dll");
string work = Path.Combine(Path.GetTempPath(), $"stream-bench-{Environment.ProcessId}");
string setName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(data)));
string output = Text("--out") ?? Path.Combine("bench", "results", $"stream-{setName}.json");

JsonObject Demo(int count, string name)
{
    string workdir = Path.Combine(work, name);
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
    foreach (var a in new[] { cli, "demo", "--data", data, "--batches", count.ToString(), "--seed", seed, "--workdir", workdir }) start.ArgumentList.Add(a);
    start.Environment["AUTORETRAIN__Training__Architecture"] = arch;
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"demo --batches {count} exited {process.ExitCode}");
    var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(workdir, "demo-summary.json")))!.AsObject();
    summary["benchWallSeconds"] = clock.Elapsed.TotalSeconds;
    // Optimiser steps of every training (its epochs.jsonl, the last epoch's cumulative step): the load-independent cost.
    summary["trainSteps"] = Directory.EnumerateFiles(workdir, "epochs.jsonl", SearchOption.AllDirectories)
        .Sum(f => File.ReadLines(f).Select(l => JsonNode.Parse(l)?["step"]?.GetValue<int>() ?? 0).DefaultIfEmpty(0).Max());
    return summary;
}

try
{
    var stream = Demo(batches, "stream");
    var all = Demo(1, "all");
    var cycles = stream["cycles"]!.AsArray();
    var holdout = cycles.Select(c => c!["holdoutChampionMap50"]?.GetValue<double?>()).ToList();
    double streamTrain = cycles.Sum(c => c!["trainSeconds"]!.GetValue<double>());
    var allCycle = all["cycles"]!.AsArray().Single()!;
    double allTrain = allCycle["trainSeconds"]!.GetValue<double>();
    double allMap = allCycle["holdoutChampionMap50"]!.GetValue<double>();
    double scratchEveryBatch = allTrain * Enumerable.Range(1, batches).Sum() / batches;
    bool neverDecreases = holdout.Where(m => m is not null).Zip(holdout.Where(m => m is not null).Skip(1)).All(p => p.Second >= p.First - 1e-12);
    double? final = holdout.LastOrDefault(m => m is not null);
    var result = new JsonObject
    {
        ["command"] = $"dotnet run -c Release --project bench/Stream.Bench -- {string.Join(' ', args)}",
        ["set"] = setName, ["batches"] = batches, ["architecture"] = arch, ["seed"] = seed,
        ["perCycle"] = new JsonArray(cycles.Select(c => (JsonNode)new JsonObject
        {
            ["cycle"] = c!["cycleId"]!.GetValue<string>(), ["outcome"] = c["outcome"]!.GetValue<string>(),
            ["candidateMap50"] = c["candidateMap50"]?.DeepClone(), ["holdoutChampionMap50"] = c["holdoutChampionMap50"]?.DeepClone(),
            ["trainSeconds"] = c["trainSeconds"]!.DeepClone(), ["stopReasons"] = c["stopReasons"]?.DeepClone(),
            ["triggerReasons"] = c["triggerReasons"]?.DeepClone(),
        }).ToArray()),
        ["decisions"] = stream["decisions"]!.AsArray().Count,
        ["championHoldoutNeverDecreases"] = neverDecreases,
        ["finalChampionHoldoutMap50"] = final,
        ["allDataColdHoldoutMap50"] = allMap,
        ["gapToAllData"] = allMap - final,
        ["streamTrainSeconds"] = streamTrain,
        ["allDataColdTrainSeconds"] = allTrain,
        ["fromScratchEveryBatchTrainSecondsEstimated"] = scratchEveryBatch,
        ["trainTimeRatio"] = streamTrain / scratchEveryBatch,
        ["streamTrainSteps"] = stream["trainSteps"]!.DeepClone(), ["allDataColdTrainSteps"] = all["trainSteps"]!.DeepClone(),
        ["fromScratchEveryBatchTrainStepsEstimated"] = all["trainSteps"]!.GetValue<int>() * Enumerable.Range(1, batches).Sum() / (double)batches,
        ["trainStepRatio"] = stream["trainSteps"]!.GetValue<int>() / (all["trainSteps"]!.GetValue<int>() * Enumerable.Range(1, batches).Sum() / (double)batches),
        ["streamWallSeconds"] = stream["wallSeconds"]!.DeepClone(), ["allDataWallSeconds"] = all["wallSeconds"]!.DeepClone(),
        ["targets"] = "champion holdout mAP50 never decreases; ends within 0.03 of the all-data model; cumulative training time <= 0.5x retraining from scratch on every batch",
        ["fromScratchNote"] = "retraining from scratch on every batch is estimated as the all-data cold cycle's time x (1+...+N)/N (see Program.cs)",
        ["loadAverageAtEnd"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        ["processorCount"] = Environment.ProcessorCount,
    };
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    File.WriteAllText(output, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
finally
{
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}
