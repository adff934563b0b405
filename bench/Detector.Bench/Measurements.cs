using System.Diagnostics;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;

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

    public static double PeakRssMegabytes() =>
        // VmHWM is the resident set's high-water mark, native libtorch allocations included.
        StatusMegabytes("VmHWM") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

    /// <summary>
    /// Samples the resident set and the managed heap every 20 ms on its own thread until disposed, so a peak can be split
    /// into what the collector holds (live and not yet collected objects) and the rest (libtorch, SkiaSharp, glibc).
    /// <para>The sampling loop allocates nothing on the managed heap (it re-reads /proc/self/status into one buffer), so
    /// it never starts a collection while the measured thread is inside a native call (docs/trainer.md, "Known issue:
    /// TorchSharp Scalars"). Until session 12 it read the file as strings, and the 4,096-px memory bench died that way in
    /// session 11, before the detector held its Scalars.</para>
    /// </summary>
    public sealed class MemorySampler : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stop;
        private readonly int gen2Before = GC.CollectionCount(2);

        public double PeakRssMB { get; private set; }
        public double ManagedAtPeakMB { get; private set; }
        public double PeakManagedMB { get; private set; }
        public int Gen2Collections { get; private set; }

        public MemorySampler()
        {
            var status = new ProcStatusReader("VmRSS");
            thread = new Thread(() =>
            {
                using (status)
                    while (!stop)
                    {
                        double rss = status.Megabytes() ?? 0, managed = GC.GetTotalMemory(false) / 1048576.0;
                        if (rss > PeakRssMB) (PeakRssMB, ManagedAtPeakMB) = (rss, managed);
                        PeakManagedMB = Math.Max(PeakManagedMB, managed);
                        Thread.Sleep(20);
                    }
            }) { IsBackground = true, Name = "memory sampler" };
            thread.Start();
        }

        public void Dispose()
        {
            stop = true;
            thread.Join();
            Gen2Collections = GC.CollectionCount(2) - gen2Before;
        }
    }

    /// <summary>One kB field of /proc/self/status (VmRSS, VmHWM) read without allocating once open: one handle, one
    /// buffer, read from offset 0 each time (procfs regenerates the file), the figure parsed from the bytes.</summary>
    internal sealed class ProcStatusReader(string name) : IDisposable
    {
        private readonly byte[] label = System.Text.Encoding.ASCII.GetBytes(name + ":");
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle("/proc/self/status");
        private readonly byte[] buffer = new byte[8192];

        /// <summary>The field in megabytes; null when the file lacks it.</summary>
        public double? Megabytes()
        {
            int length = RandomAccess.Read(handle, buffer, 0);
            var text = buffer.AsSpan(0, length);
            int at = text.IndexOf(label);
            if (at < 0) return null;
            long kilobytes = 0;
            foreach (byte b in text[(at + label.Length)..])
            {
                if (b is >= (byte)'0' and <= (byte)'9') kilobytes = kilobytes * 10 + (b - '0');
                else if (b == '\n' || kilobytes > 0 && b == ' ') break;
            }
            return kilobytes / 1024.0;
        }

        public void Dispose() => handle.Dispose();
    }

    /// <summary>The resident set now (VmRSS).</summary>
    public static double ResidentMegabytes() => StatusMegabytes("VmRSS") ?? Process.GetCurrentProcess().WorkingSet64 / 1048576.0;

    private static double? StatusMegabytes(string field)
    {
        if (!File.Exists("/proc/self/status")) return null;
        using var status = new ProcStatusReader(field);
        return status.Megabytes();
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>
    /// Upper bound of the share of a training step spent outside libtorch's compute: the trainer's own step
    /// (<see cref="Trainer.Step"/>: tensors from the batch, forward, loss, backward, AdamW, loss read-back, scope
    /// disposal) timed on real batches, and on 1 image of 16×16 pixels, where the same calls are made but the kernels
    /// have next to nothing to compute. What the tiny step still costs is the managed wrappers, marshalling and
    /// libtorch's own per-op dispatch, so tiny/real over-states the managed share. Batches are built beforehand, so
    /// the loader (which runs beside training) is not in either figure.
    /// </summary>
    public static StepOverhead MeasureStepOverhead(IReadOnlyList<LabelledTile> tiles, IReadOnlyList<string> classes, string architecture,
        int chipSize, int batchSize, int steps)
    {
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        double Time(int size, int batch)
        {
            var loader = new BatchLoader(tiles, classIndex, size, batch, Normalisation.Default, new AugmentationOptions());
            var batches = loader.Batches(Enumerable.Range(0, Math.Min(tiles.Count, (steps + 3) * batch)).ToArray(), seed: 1).ToList();
            using var model = new CenterNet(DetectorArchitecture.Named(architecture), classes.Count);
            model.train();
            using var optimizer = new HeldAdamW(model.parameters(), 1e-3, 0.01);
            for (int i = 0; i < 3; i++) Trainer.Step(model, optimizer, batches[i], TorchSharp.torch.CPU);
            var clock = Stopwatch.StartNew();
            for (int i = 3; i < batches.Count; i++) Trainer.Step(model, optimizer, batches[i], TorchSharp.torch.CPU);
            return clock.Elapsed.TotalMilliseconds / (batches.Count - 3);
        }
        double real = Time(chipSize, batchSize), tiny = Time(16, 1);
        return new StepOverhead(real, tiny, tiny / real);
    }
}

/// <summary>Milliseconds per training step at the real size and at the near-empty size, and their ratio.</summary>
internal sealed record StepOverhead(double RealStepMs, double TinyStepMs, double OutsideLibtorchShareUpperBound);
