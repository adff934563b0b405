using System.Diagnostics;
using AutoRetrain.Core;
using AutoRetrain.Core.Metrics;
using AutoRetrain.Metrics.Bench;

// Times COCO and VOC evaluation of 5,000 synthetic tiles with 100 detections each and writes
// bench/results/metrics.json. Usage: dotnet run -c Release --project bench/Metrics.Bench [-- output.json]
const int Images = 5000, ObjectsPerImage = 20, DetectionsPerImage = 100, Categories = 10, Seed = 20261124, Repeats = 3;

var (images, detections, categories) = SyntheticDetections.Generate(Images, ObjectsPerImage, DetectionsPerImage, Categories, Seed);
var bootstrapSample = new int[Images];
var random = new Random(Seed);
for (int i = 0; i < bootstrapSample.Length; i++) bootstrapSample[i] = random.Next(Images);

CocoMetrics? coco = null;
VocMetrics? voc = null;
CocoImageEvaluations? cocoImages = null;
var (cocoSeconds, cocoCpu) = Best(() => coco = CocoEvaluator.Evaluate(images, detections, categories));
var (cocoMatchSeconds, cocoMatchCpu) = Best(() => cocoImages = CocoImageEvaluations.Compute(images, detections, categories));
var (cocoResampleSeconds, cocoResampleCpu) = Best(() => cocoImages!.Accumulate(bootstrapSample));
var (vocSeconds, vocCpu) = Best(() => voc = VocEvaluator.Evaluate(images, detections, categories, 0.5, useElevenPoint: false));

var result = new
{
    benchmark = "metrics",
    images = Images,
    objectsPerImage = ObjectsPerImage,
    detectionsPerImage = DetectionsPerImage,
    categories = Categories,
    seed = Seed,
    repeats = Repeats,
    timing = "best of repeats; seconds = wall clock, cpuSeconds = process CPU time (all threads) of that same run",
    processorCount = Environment.ProcessorCount,
    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    coco = new
    {
        seconds = cocoSeconds, cpuSeconds = cocoCpu, imagesPerSecond = Images / cocoSeconds,
        matchSeconds = cocoMatchSeconds, matchCpuSeconds = cocoMatchCpu,
        bootstrapResampleSeconds = cocoResampleSeconds, bootstrapResampleCpuSeconds = cocoResampleCpu,
        ap = coco!.AP, ap50 = coco.AP50,
    },
    voc = new { seconds = vocSeconds, cpuSeconds = vocCpu, imagesPerSecond = Images / vocSeconds, mAP = voc!.MeanAP },
};
string output = args.Length > 0 ? args[0] : Path.Combine(RepositoryRoot(), "bench", "results", "metrics.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, Json.Serialize(result) + "\n");
Console.WriteLine(Json.Serialize(result));
Console.WriteLine($"wrote {output}");
return 0;

static (double Seconds, double CpuSeconds) Best(Action action)
{
    (double Seconds, double CpuSeconds) best = (double.MaxValue, 0);
    var process = Process.GetCurrentProcess();
    for (int r = 0; r < Repeats; r++)
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        double seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        if (seconds < best.Seconds) best = (seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
    return best;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) return dir.FullName;
    throw new AutoRetrainException("cannot find AutoRetrain.sln above the benchmark's folder; pass the output path as the first argument.");
}
