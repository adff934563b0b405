using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Training;
using AutoRetrain.Imagery.Rasters;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// A 10,000 × 10,000 RGB scene (300 MB decoded) trains and predicts within a stated memory bound. The process's peak
/// resident set is reset (<c>/proc/self/clear_refs</c> "5" resets VmHWM, Linux ≥ 4.0) after the scene file is written, so
/// VmHWM afterwards is the peak of training and prediction alone; the tests of this assembly run one at a time
/// (xunit.runner.json), so no other test adds to it.
/// </summary>
public class LargeSceneMemoryTests
{
    private const int SceneSize = 10_000;
    private const long SceneBytes = 3L * SceneSize * SceneSize;
    private const int BudgetMegabytes = 300;

    /// <summary>
    /// Where the bound comes from (measured 2,622 MiB on the 2-core dev machine, 2026-11-30): the decoded-scene cache
    /// holds at most its budget (300 MiB, one decoded scene). Decoding the 10,000-px PNG holds for a moment, besides the
    /// RGB bytes it returns, the decoder's 16-bit samples (2 × 3 bytes a pixel) and SkiaSharp's RGBA bitmap (4 bytes a
    /// pixel): 10 bytes a pixel, 954 MiB; and since the GC frees a decode's 600-MB sample array only at its next gen-2
    /// collection, the next decode of the scene (after the validation scene evicted it) can start before the last one's
    /// is freed: two decodes. The nano model, its optimiser, 128-px batches, the encoded file and libtorch's own
    /// allocations take the rest, under 768 MiB. What the bound catches: another whole-scene copy anywhere in the trainer
    /// or the predictor (the scene as floats alone is 1.2 GB), the cache keeping more than its budget, or a decode per
    /// window.
    /// </summary>
    private static readonly long BoundBytes = ((long)BudgetMegabytes << 20) + 2 * 10L * SceneSize * SceneSize + (768L << 20);

    [Fact]
    public void TrainAndPredict_TenThousandPixelScene_StaysWithinTheMemoryBound()
    {
        using var folder = new TempFolder();
        var objects = WriteScene(folder.Sub("train"), "scene-10k");
        // A 3,000-px validation scene: with it the decoded data (327 MB) exceed the budget, so both are read through the
        // cache, which holds one of them at a time.
        ShapeTiles.WriteFolder(ShapeTiles.Make(1, 3000, ["car", "boat"], seed: 21, objectsPerTile: 12, objectSize: 48), folder.Sub("val"));
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ResetPeakResidentSet();
        long before = ProcStatusBytes("VmRSS");

        var data = DatasetReader.ReadFolder(folder.Path, decodedBytesBudget: (long)BudgetMegabytes << 20);
        var scene = Assert.Single(data.Train);
        var cache = scene.PixelCache;
        Assert.NotNull(cache);
        // 128-px chips at scale 1/4 cover 512 scene pixels: about 380 windows an epoch, capped at 3 steps of 4.
        var options = new TrainerOptions
        {
            Architecture = "nano", Epochs = 1, MaxSteps = 3, BatchSize = 4, InputSize = 128, InputScale = 0.25,
            LearningRate = 5e-3, Seed = 7, Augmentation = AugmentationOptions.None, DecodedScenesMegabytes = BudgetMegabytes,
        };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = TrainerTests.Train(data, folder.Sub("model"), options);
        string stages = $"train {ProcStatusBytes("VmHWM") - before >> 20} MiB {sw.Elapsed.TotalSeconds:F0}s decodes {cache.Decodes}; ";
        sw.Restart();
        Assert.Equal(1, result.Epochs);

        var (model, metadata) = ModelArtefact.Load(folder.Sub("model"));
        IReadOnlyList<Detection> detections;
        using (model)
        using (var pixels = scene.RentPixels())
            detections = ScenePredictor.For(model, metadata, CPU).Predict([new SceneImage(pixels.Pixels, scene.Width, scene.Height)])[0];
        long peak = ProcStatusBytes("VmHWM");
        stages += $"predict {peak - before >> 20} MiB {sw.Elapsed.TotalSeconds:F0}s decodes {cache.Decodes}";

        Assert.Equal(0.25, metadata.InputScale);
        Assert.All(detections, d => Assert.True(d.Box.XMax <= SceneSize && d.Box.YMax <= SceneSize, $"{d.Box} outside the scene"));
        Assert.Equal(objects, scene.Objects.Count);
        Assert.True(cache.PeakResidentBytes <= cache.CapacityBytes, $"the cache held {cache.PeakResidentBytes} bytes, budget {cache.CapacityBytes}");
        Assert.Equal(SceneBytes, cache.PeakResidentBytes);
        // Training, validation and prediction, not once per window (12 windows were trained on).
        Assert.True(cache.Decodes <= 4, $"{cache.Decodes} scene decodes");
        Assert.True(peak - before <= BoundBytes,
            $"peak RSS grew by {(peak - before) >> 20} MiB during training and prediction, bound {BoundBytes >> 20} MiB; {stages}");
    }

    /// <summary>A grey scene with 48-px squares on a grid (car red, boat blue), written as a fast PNG with its sidecar.</summary>
    private static int WriteScene(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var rgb = new byte[SceneBytes];
        for (long p = 0; p < SceneBytes; p += 3) rgb[p] = rgb[p + 1] = rgb[p + 2] = (byte)(110 + (p / 3 * 7 % 13));
        var objects = new List<LabelObject>();
        for (int gy = 0; gy < 8; gy++)
        for (int gx = 0; gx < 8; gx++)
        {
            string cls = (gx + gy) % 2 == 0 ? "car" : "boat";
            int x0 = 300 + gx * 1200 + gy * 37, y0 = 400 + gy * 1150 + gx * 23;
            for (int y = y0; y < y0 + 48; y++)
            for (int x = x0; x < x0 + 48; x++)
                ShapeTiles.Colours[cls].CopyTo(rgb, ((long)y * SceneSize + x) * 3);
            objects.Add(LabelObject.Of(cls, new BoundingBox(x0, y0, x0 + 48, y0 + 48)));
        }
        string image = name + ".png";
        File.WriteAllBytes(Path.Combine(folder, image), ImageWriter.EncodePng(SceneSize, SceneSize, rgb, compressionLevel: 1));
        var labels = new LabelFile { Image = image, Width = SceneSize, Height = SceneSize, Objects = objects };
        File.WriteAllText(Path.Combine(folder, LabelFile.SidecarNameFor(image)), Json.Serialize(labels));
        return objects.Count;
    }

    private static void ResetPeakResidentSet() => File.WriteAllText("/proc/self/clear_refs", "5");

    internal static long ProcStatusBytes(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
