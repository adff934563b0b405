using System.Diagnostics;
using System.Globalization;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// The trainer's step (<see cref="Trainer.Step"/>: the batch copied to the device, forward, loss, backward, AdamW, the
/// loss read back) in TorchSharp against the same step in PyTorch (pytorch_reference.py: the same architecture, loss and
/// AdamW, the same weights and batch), on the CPU or on CUDA, taking turns so both never run at once. The batch is one
/// real batch of generated tiles, so the heatmap, size and offset targets are those the trainer builds.
/// </summary>
internal static class StepBench
{
    public static Dictionary<string, object?> Run(string architecture, int batch, int chip, Device device, int threads, int rounds,
        int stepsPerTurn, int seed)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"detector-steps-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            set_num_threads(threads);
            random.manual_seed(seed);
            var (tiles, _) = BenchData.Generate(seed, batch, 0, chip);
            var classes = BenchData.Classes(tiles);
            var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
            var chipBatch = new BatchLoader(tiles, classIndex, chip, batch, Normalisation.Default, new AugmentationOptions())
                .Batches(Enumerable.Range(0, batch).ToArray(), seed: 1).First();
            const double learningRate = 3e-3, weightDecay = 0.01;

            using var model = new CenterNet(DetectorArchitecture.Named(architecture), classes.Count);
            InferenceBench.ExportWeights(model, folder);
            ExportBatch(chipBatch, folder);
            File.WriteAllText(Path.Combine(folder, "optimizer.txt"), FormattableString.Invariant($"{learningRate} {weightDecay}"));
            model.to(device);
            model.train();
            double torchsharpLoss;
            using (var _ = no_grad())
            using (var scope = NewDisposeScope())
            {
                var t = BatchTensors.From(chipBatch, device);
                torchsharpLoss = CenterNetLoss.PerSample(model.call(t.Images), t.Heatmap, t.Size, t.Offset, t.Mask).mean().item<float>();
            }

            using var python = PythonReference.Start(architecture, classes.Count, threads, device.type == DeviceType.CUDA ? "cuda" : "cpu");
            double pytorchLoss = double.Parse(python.Ask($"load-train {folder}").Split(' ')[1], CultureInfo.InvariantCulture);
            using var optimizer = new HeldAdamW(model.parameters(), learningRate, weightDecay);

            // Warm-up: the first steps pick kernels, compile CUDA modules and grow the allocators on both sides.
            TimeSteps(model, optimizer, chipBatch, device, 3);
            python.Ask("train 3");
            var torchsharp = new List<double>();
            var pytorch = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                var turns = new Action[]
                {
                    () => pytorch.Add(double.Parse(python.Ask($"train {stepsPerTurn}").Split(' ')[0], CultureInfo.InvariantCulture)),
                    () => torchsharp.Add(TimeSteps(model, optimizer, chipBatch, device, stepsPerTurn)),
                };
                foreach (var turn in r % 2 == 0 ? turns : turns.Reverse()) turn();
            }
            double ratio = Measurements.Median(torchsharp.Zip(pytorch, (a, b) => a / b));
            return new Dictionary<string, object?>
            {
                ["architecture"] = architecture, ["classes"] = classes.Count, ["batch"] = batch, ["chip"] = chip,
                ["device"] = device.type.ToString().ToLowerInvariant(), ["threads"] = threads, ["rounds"] = rounds, ["stepsPerTurn"] = stepsPerTurn,
                ["pytorch"] = $"torch {PythonReference.TorchVersion()} ({PythonReference.Interpreter})",
                ["lossBeforeAnyStep"] = new Dictionary<string, object?> { ["torchsharp"] = torchsharpLoss, ["pytorch"] = pytorchLoss },
                ["torchsharpMsPerStepMedian"] = Measurements.Median(torchsharp), ["pytorchMsPerStepMedian"] = Measurements.Median(pytorch),
                ["torchsharpMsPerStepByRound"] = torchsharp.Select(v => Math.Round(v, 2)).ToList(),
                ["pytorchMsPerStepByRound"] = pytorch.Select(v => Math.Round(v, 2)).ToList(),
                ["ratio"] = ratio, ["ratioNote"] = "median over rounds of (TorchSharp ms / PyTorch ms) measured in the same round",
                ["torchsharpImagesPerSecond"] = batch * 1000 / Measurements.Median(torchsharp), ["pytorchImagesPerSecond"] = batch * 1000 / Measurements.Median(pytorch),
            };
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Milliseconds per step over <paramref name="n"/> trainer steps; each step reads its loss back, so on CUDA
    /// the clock stops after the device has finished.</summary>
    private static double TimeSteps(CenterNet model, HeldAdamW optimizer, ChipBatch batch, Device device, int n)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) Trainer.Step(model, optimizer, batch, device);
        return clock.Elapsed.TotalMilliseconds / n;
    }

    /// <summary>batch.bin: images, heatmap, size, offset and mask as float32, shapes one per line in batch-shapes.txt.</summary>
    private static void ExportBatch(ChipBatch b, string folder)
    {
        long n = b.Count, s = b.ChipSize, o = b.OutputSize;
        var parts = new (float[] Values, long[] Shape)[]
        {
            (b.Images, [n, 3, s, s]), (b.Heatmap, [n, b.ClassCount, o, o]), (b.Size, [n, 2, o, o]), (b.Offset, [n, 2, o, o]), (b.Mask, [n, 1, o, o]),
        };
        using var data = File.Create(Path.Combine(folder, "batch.bin"));
        using var shapes = new StreamWriter(Path.Combine(folder, "batch-shapes.txt"));
        foreach (var (values, shape) in parts)
        {
            long count = shape.Aggregate(1L, (a, d) => a * d);
            data.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(0, (int)count)));
            shapes.WriteLine(string.Join(' ', shape));
        }
    }
}
