using System.Runtime.InteropServices;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// Mitigation for an open defect (docs/trainer.md, "Known issue"): with a convolution width that oneDNN pads to its
/// 16-channel blocks (<see cref="DetectorArchitecture.PadsChannels"/>: "tiny"'s 12 and 24), libtorch 2.10's CPU forward
/// on this machine reads channel padding it never wrote; when a freed buffer left a NaN bit pattern there, the output
/// is NaN (NaN × 0 is NaN) and training diverges, at random for one seed. glibc's perturb option makes every block
/// malloc hands out start zeroed (and fills freed ones), which is what the kernel's multiply-by-zero assumes: with it
/// the same runs are finite and repeatable. It costs a memset per allocation and per free (a nano training step
/// 1.3–1.6× slower, measured), so it is set only for the architectures that need it, once per process, before their
/// first model; a no-op where glibc is absent.
/// <para><c>AUTORETRAIN_ZERO_HEAP</c> overrides the choice: <c>always</c> (every architecture, e.g. on another CPU
/// where a width that is safe here is not) or <c>never</c> (to measure, as <c>bench heapcheck</c> does).</para>
/// </summary>
internal static partial class NativeHeap
{
    public const string OverrideVariable = "AUTORETRAIN_ZERO_HEAP";
    private const int PerturbOption = -6; // M_PERTURB in glibc's malloc.h
    private const int PerturbByte = 0xFF; // malloc fills new blocks with PerturbByte ^ 0xFF = 0, free fills with 0xFF
    private static int applied;

    /// <summary>True once the process zeroes fresh allocations.</summary>
    public static bool Zeroing => Volatile.Read(ref applied) == 1;

    /// <summary>Whether a model of this architecture needs the heap zeroed, after the override.</summary>
    public static bool Needed(DetectorArchitecture architecture) =>
        Environment.GetEnvironmentVariable(OverrideVariable)?.Trim().ToLowerInvariant() switch
        {
            "always" => true,
            "never" => false,
            _ => architecture.PadsChannels,
        };

    public static void ZeroFreshAllocationsFor(DetectorArchitecture architecture)
    {
        if (Needed(architecture)) SetOnce(ref applied, (PerturbOption, PerturbByte));
    }

    /// <summary>
    /// Keeps freed tensor memory in the process instead of handing it back to the system: glibc by default serves large
    /// blocks with fresh mappings (mmap) and returns heap tops above 128 KB (trim), so each forward faults its buffers
    /// in again, page by page (bench inference: 7,000–20,000 minor faults per forward of 16 × 256 px and a nano forward
    /// 2.5–5× PyTorch's, against 0 faults and 1.03–1.16× with these settings). Blocks up to 32 MiB (glibc's largest
    /// threshold on 64-bit) come from the heap, up to 1 GiB of free heap top is kept, and every thread allocates from
    /// the main heap (one arena: a thread's own arena unmaps a sub-heap as soon as it is wholly free, whatever the
    /// thresholds, so a forward on a worker thread faulted as before). The resident size stays at its high-water
    /// mark. Set once per process, before its first model; a no-op where glibc is absent.
    /// </summary>
    public static void KeepFreedMemory() =>
        SetOnce(ref kept, (MmapThresholdOption, MmapThresholdBytes), (TrimThresholdOption, TrimThresholdBytes), (ArenaMaxOption, 1));

    /// <summary>The one place glibc's malloc options are set: once per flag and process, only on Linux, and nothing
    /// where glibc is absent.</summary>
    private static void SetOnce(ref int flag, params (int Option, int Value)[] options)
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref flag, 1) == 1) return;
        try
        {
            foreach (var (option, value) in options) Mallopt(option, value);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD
    private const int ArenaMaxOption = -8; // M_ARENA_MAX
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD
    private const int MmapThresholdBytes = 32 << 20;
    private const int TrimThresholdBytes = 1 << 30;
    private static int kept;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int option, int value);
}
