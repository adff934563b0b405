using System.Diagnostics;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;

namespace AutoRetrain.Detector.Bench;

/// <summary>Throughputs measured beside a training run: the data loader alone, and inference.</summary>
internal static class Measurements
{
    /// <summary>Augmented batches built per second by the loader with nothing consuming them.</summary>
    public static double LoaderImagesPerSecond(IReadOnlyList<LabelledTile> tiles, IReadOnlyList<string> classes, int chipSize, int batchSize, int images)
    {
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var loader = new BatchLoader(tiles, classIndex, chipSize, batchSize, Normalisation.Default, new AugmentationOptions());
        var order = Enumerable.Range(0, Math.Min(images, tiles.Count)).ToArray();
        var clock = Stopwatch.StartNew();
        int built = loader.Batches(order, seed: 1).Sum(b => b.Count);
        return built / clock.Elapsed.TotalSeconds;
    }

    public static double InferenceImagesPerSecond(ScenePredictor predictor, IReadOnlyList<LabelledTile> tiles)
    {
        var scenes = tiles.Select(t => new SceneImage(t.Rgb, t.Width, t.Height)).ToList();
        predictor.Predict(scenes.Take(4).ToList());
        var clock = Stopwatch.StartNew();
        predictor.Predict(scenes);
        return scenes.Count / clock.Elapsed.TotalSeconds;
    }

    public static double PeakRssMegabytes()
    {
        // VmHWM is the resident set's high-water mark, native libtorch allocations included.
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

}
