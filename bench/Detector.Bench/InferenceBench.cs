using System.Diagnostics;
using System.Globalization;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// The detector's forward pass in TorchSharp against the same architecture in PyTorch (pytorch_reference.py, run as a
/// child process with the same weights and input), taking turns so both never run at once: per round, PyTorch's
/// module, TorchSharp's module, PyTorch's folded graph, TorchSharp's folded graph (the order reversed every other
/// round). Then the scene throughput: one 10,000 × 10,000 scene through <see cref="ScenePredictor"/>.
/// </summary>
internal static class InferenceBench
{
    public static Dictionary<string, object?> Run(string architecture, int classes, int batch, int chip, IReadOnlyList<int> threadCounts,
        int rounds, int forwardsPerTurn, int sceneSize, int sceneThreads, string? modelFolder)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"detector-inference-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            random.manual_seed(7);
            var (model, chipSize, norm) = Load(modelFolder, architecture, classes, chip);
            using (model)
            {
                model.eval();
                var input = randn(batch, 3, chipSize, chipSize);
                Export(model, input, folder);
                var perThreads = threadCounts.Select(t => CompareAtThreads(model, input, folder, t, rounds, forwardsPerTurn)).ToList();
                var scene = SceneThroughput(model, chipSize, norm, sceneSize, sceneThreads, modelFolder is null);
                return new Dictionary<string, object?>
                {
                    ["architecture"] = model.Architecture.Name, ["classes"] = model.ClassCount, ["input"] = new[] { batch, 3, chipSize, chipSize },
                    ["pytorch"] = $"python3-torch {PythonReference.TorchVersion()} ({PythonReference.Interpreter})", ["roundsPerThreadCount"] = rounds,
                    ["forwardsPerTurn"] = forwardsPerTurn, ["byThreads"] = perThreads, ["scene"] = scene,
                };
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static (CenterNet Model, int Chip, Normalisation Norm) Load(string? modelFolder, string architecture, int classes, int chip)
    {
        if (modelFolder is null) return (new CenterNet(DetectorArchitecture.Named(architecture), classes), chip, Normalisation.Default);
        var (model, metadata) = ModelArtefact.Load(modelFolder);
        return (model, metadata.InputSize, metadata.Normalisation);
    }

    /// <summary>Weights (index.txt: name, dtype, shape; weights.bin), the input batch and TorchSharp's eval-mode output.</summary>
    private static void Export(CenterNet model, Tensor input, string folder)
    {
        ExportWeights(model, folder);
        File.WriteAllText(Path.Combine(folder, "input-shape.txt"), string.Join(' ', input.shape));
        WriteFloats(Path.Combine(folder, "input.bin"), input);
        using var _ = inference_mode();
        using var expected = model.call(input);
        WriteFloats(Path.Combine(folder, "expected.bin"), expected);
    }

    /// <summary>The model's state (on the CPU) as pytorch_reference.py reads it: index.txt (name, dtype, shape per line)
    /// and weights.bin.</summary>
    public static void ExportWeights(CenterNet model, string folder)
    {
        using var index = new StreamWriter(Path.Combine(folder, "index.txt"));
        using var weights = File.Create(Path.Combine(folder, "weights.bin"));
        foreach (var (name, value) in model.state_dict())
        {
            bool integer = value.dtype == ScalarType.Int64;
            index.WriteLine($"{name} {(integer ? "int64" : "float32")} {string.Join(' ', value.shape)}");
            var flat = value.contiguous();
            weights.Write(integer ? flat.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray()
                : flat.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());
        }
    }

    private static void WriteFloats(string path, Tensor t) =>
        File.WriteAllBytes(path, t.contiguous().data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());

    private static Dictionary<string, object?> CompareAtThreads(CenterNet model, Tensor input, string folder, int threads, int rounds, int n)
    {
        set_num_threads(threads);
        using var python = PythonReference.Start(model.Architecture.Name, model.ClassCount, threads);
        var loaded = python.Ask($"load {folder}").Split(' ');
        using var folded = model.FoldForInference();
        Tensor Module(Tensor x) { using var _ = inference_mode(); return model.call(x); }
        Tensor Folded(Tensor x) => folded.Forward(x);
        double foldedDifference;
        using (var a = Module(input))
        using (var b = Folded(input))
        using (var d = (a - b).abs().max())
            foldedDifference = d.item<float>();

        // Warm-up: first calls pick kernels and grow the allocators on both sides.
        Time(Module, input, 2); Time(Folded, input, 2); python.Ask("time module 2"); python.Ask("time folded 2");
        var samples = new Dictionary<string, List<(double Ms, double Faults)>>
        {
            ["torchsharpModule"] = [], ["pytorchModule"] = [], ["torchsharpFolded"] = [], ["pytorchFolded"] = [],
        };
        for (int r = 0; r < rounds; r++)
        {
            var turns = new (string Key, Func<(double, double)> Run)[]
            {
                ("pytorchModule", () => python.Time("module", n)), ("torchsharpModule", () => Time(Module, input, n)),
                ("pytorchFolded", () => python.Time("folded", n)), ("torchsharpFolded", () => Time(Folded, input, n)),
            };
            foreach (var (key, run) in r % 2 == 0 ? turns : turns.Reverse())
                samples[key].Add(run());
        }
        double Median(string key, Func<(double Ms, double Faults), double> of) => Measurements.Median(samples[key].Select(of));
        double RoundRatio(string ours, string theirs) => Measurements.Median(samples[ours].Zip(samples[theirs], (a, b) => a.Ms / b.Ms));
        var result = new Dictionary<string, object?> { ["threads"] = threads };
        foreach (var key in samples.Keys)
            result[key] = new Dictionary<string, object?>
            {
                ["msPerForwardMedian"] = Median(key, s => s.Ms), ["minorFaultsPerForwardMedian"] = Median(key, s => s.Faults),
                ["msPerForwardByRound"] = samples[key].Select(s => Math.Round(s.Ms, 2)).ToList(),
            };
        result["ratioModule"] = RoundRatio("torchsharpModule", "pytorchModule");
        result["ratioFolded"] = RoundRatio("torchsharpFolded", "pytorchFolded");
        result["ratioFoldedToPytorchModule"] = RoundRatio("torchsharpFolded", "pytorchModule");
        result["ratioNote"] = "median over rounds of (TorchSharp ms / PyTorch ms) measured in the same round";
        result["maxAbsDifference"] = new Dictionary<string, object?>
        {
            ["pytorchModuleVsTorchsharp"] = double.Parse(loaded[1], CultureInfo.InvariantCulture),
            ["pytorchFoldedVsTorchsharp"] = double.Parse(loaded[2], CultureInfo.InvariantCulture),
            ["torchsharpFoldedVsTorchsharp"] = foldedDifference,
        };
        return result;
    }

    private static (double Ms, double Faults) Time(Func<Tensor, Tensor> forward, Tensor input, int n)
    {
        long faults = MinorFaults();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) forward(input).Dispose();
        return (clock.Elapsed.TotalMilliseconds / n, (MinorFaults() - faults) / (double)n);
    }

    /// <summary>Field 10 of /proc/self/stat (minflt), counted after the command name's closing parenthesis.</summary>
    public static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, object?> SceneThroughput(CenterNet model, int chip, Normalisation norm, int size, int threads, bool untrained)
    {
        set_num_threads(threads);
        // An untrained model scores every cell near its 0.1 prior, so every chip would give its 128 top peaks and the
        // cross-chip NMS would dominate; a floor above the prior keeps the figure about the forward pass.
        var options = new PredictionOptions { MinScore = untrained ? 0.3 : new PredictionOptions().MinScore };
        var predictor = new ScenePredictor(model, chip, norm, CPU, options);
        predictor.Predict([Scene(chip * 2)]);
        var scene = Scene(size);
        ResetPeakRss();
        double rssBefore = CurrentRssMegabytes();
        var clock = Stopwatch.StartNew();
        int detections = predictor.Predict([scene])[0].Count;
        double seconds = clock.Elapsed.TotalSeconds;
        return new Dictionary<string, object?>
        {
            ["width"] = size, ["height"] = size, ["threads"] = threads, ["chip"] = chip, ["overlap"] = options.Overlap,
            ["batchSize"] = options.BatchSize, ["minScore"] = options.MinScore, ["untrainedModel"] = untrained,
            ["seconds"] = seconds, ["megapixelsPerSecond"] = (double)size * size / 1e6 / seconds, ["detections"] = detections,
            ["rssBeforeMB"] = rssBefore, ["peakRssDuringSceneMB"] = Measurements.PeakRssMegabytes(),
            ["sceneRgbMB"] = scene.Rgb.Length / 1048576.0,
        };
    }

    /// <summary>A scene of smooth colour gradients and noise (content does not change the forward's cost).</summary>
    private static SceneImage Scene(int size)
    {
        var rgb = new byte[checked(size * size * 3)];
        Parallel.For(0, size, y =>
        {
            var rng = new Random(y);
            for (int x = 0, at = y * size * 3; x < size; x++, at += 3)
            {
                rgb[at] = (byte)((x >> 4) + rng.Next(16));
                rgb[at + 1] = (byte)((y >> 4) + rng.Next(16));
                rgb[at + 2] = (byte)(((x + y) >> 5) + rng.Next(16));
            }
        });
        return new SceneImage(rgb, size, size);
    }

    /// <summary>Writing 5 to clear_refs resets the VmHWM peak (Linux 4.0+), so the peak belongs to what follows.</summary>
    private static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double CurrentRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }

}

/// <summary>pytorch_reference.py as a child process that answers one line per command.</summary>
internal sealed class PythonReference : IDisposable
{
    /// <summary>AUTORETRAIN_PYTHON when set (the GPU machines' PyTorch lives in a virtual environment); else Debian's
    /// interpreter, which python3-torch installs into (a pyenv python3 first on PATH lacks torch).</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("AUTORETRAIN_PYTHON") is { Length: > 0 } chosen ? chosen
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string TorchVersion()
    {
        var info = new ProcessStartInfo(Interpreter, ["-c", "import torch; print(torch.__version__)"]) { RedirectStandardOutput = true };
        using var p = Process.Start(info)!;
        string version = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return version;
    }

    private readonly Process process;

    private PythonReference(Process process) => this.process = process;

    public static PythonReference Start(string architecture, int classes, int threads, string device = "cpu")
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");
        var info = new ProcessStartInfo(Interpreter, [script, architecture, classes.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture), device])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        // PyTorch's own thread pools follow set_num_threads; OMP_NUM_THREADS keeps any other pool to the same count.
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        return new PythonReference(Process.Start(info) ?? throw new InvalidOperationException("python3 did not start"));
    }

    public string Ask(string command)
    {
        process.StandardInput.WriteLine(command);
        process.StandardInput.Flush();
        return process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"pytorch_reference.py ended while answering '{command}' (is python3-torch installed?)");
    }

    public (double Ms, double Faults) Time(string graph, int n)
    {
        var words = Ask($"time {graph} {n}").Split(' ');
        return (double.Parse(words[0], CultureInfo.InvariantCulture), double.Parse(words[1], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.WriteLine("quit");
            process.StandardInput.Flush();
            if (!process.WaitForExit(10_000)) process.Kill();
        }
        catch (IOException) { }
        process.Dispose();
    }
}
