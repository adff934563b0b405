using AutoRetrain.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Model;

/// <summary>CUDA when available, else CPU; <c>--device</c> overrides and fails clearly when CUDA is asked for but absent.</summary>
public static class DeviceChoice
{
    public static Device Resolve(string? requested)
    {
        switch (requested?.ToLowerInvariant())
        {
            case null or "" or "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case "cuda":
                return cuda.is_available() ? CUDA
                    : throw new AutoRetrainException($"--device cuda: no CUDA device is available to TorchSharp ({WhyNoCuda()}); use --device cpu.");
            default:
                throw new AutoRetrainException($"--device {requested}: expected cpu, cuda or auto.");
        }
    }

    /// <summary>
    /// Why CUDA is unavailable. <c>cuda.is_available()</c> answers false whatever the cause, and TorchSharp's own load
    /// trace is empty once its CPU backend is loaded (it then counts LibTorchSharp as the CUDA backend too, even when
    /// libtorch_cuda did not load). Loading libtorch_cuda here names the cause: absent (the CPU package), or present but
    /// not loadable (the loader's message: a missing CUDA library, an undefined symbol from another libtorch version).
    /// </summary>
    private static string WhyNoCuda()
    {
        try
        {
            System.Runtime.InteropServices.NativeLibrary.Load("torch_cuda", typeof(torch).Assembly, null);
            return "libtorch_cuda loads but libtorch reports no CUDA device";
        }
        catch (DllNotFoundException e)
        {
            return WhyNotLoaded(e.Message);
        }
    }

    /// <summary>The loader's answer for each path .NET probed, less the paths where there was no file at all: what is
    /// left says why a libtorch_cuda that exists does not load.</summary>
    internal static string WhyNotLoaded(string loaderMessage)
    {
        const string NoFile = "cannot open shared object file: No such file or directory";
        var probes = loaderMessage.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.LastIndexOf("variable: ", StringComparison.Ordinal) is var at and >= 0 ? line[(at + "variable: ".Length)..] : line)
            .Where(line => line.Contains(".so", StringComparison.Ordinal) && !line.EndsWith(".so: " + NoFile, StringComparison.Ordinal))
            .ToList();
        if (probes.Count == 0)
            return "no libtorch_cuda on the library path: the TorchSharp-cpu package, or no libtorch CUDA libraries on LD_LIBRARY_PATH";
        string why = string.Join("; ", probes.Distinct());
        return "libtorch_cuda does not load: " + (why.Length <= 800 ? why : why[..800] + "...");
    }

    /// <summary>Intra-op threads for CPU work; defaults to the processor count, capped by AUTORETRAIN_TORCH_THREADS.</summary>
    public static void ConfigureThreads()
    {
        int threads = Environment.ProcessorCount;
        if (int.TryParse(Environment.GetEnvironmentVariable("AUTORETRAIN_TORCH_THREADS"), out int cap) && cap > 0)
            threads = Math.Min(threads, cap);
        set_num_threads(threads);
    }
}
