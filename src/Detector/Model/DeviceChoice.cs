using AutoRetrain.Core;
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
                    : throw new AutoRetrainException("--device cuda: no CUDA device is available to TorchSharp (CPU package or no GPU); use --device cpu.");
            default:
                throw new AutoRetrainException($"--device {requested}: expected cpu, cuda or auto.");
        }
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
