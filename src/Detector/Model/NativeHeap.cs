using System.Runtime.InteropServices;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// Mitigation for an open defect (docs/trainer.md, "Known issue"): on this CPU libtorch 2.10's forward now and then
/// reads heap memory it never wrote; when a freed buffer left a NaN bit pattern there, the output is NaN (NaN × 0 is
/// NaN) and training diverges, at random for one seed. glibc's perturb option makes every block malloc hands out
/// start zeroed (and fills freed ones), which is what the kernel's multiply-by-zero assumes: with it the same runs are
/// finite and repeatable. Set once per process before the first model is built; a no-op where glibc is absent.
/// </summary>
internal static partial class NativeHeap
{
    private const int PerturbOption = -6; // M_PERTURB in glibc's malloc.h
    private const int PerturbByte = 0xFF; // malloc fills new blocks with PerturbByte ^ 0xFF = 0, free fills with 0xFF
    private static int applied;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int option, int value);

    public static void ZeroFreshAllocations()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref applied, 1) == 1) return;
        try { Mallopt(PerturbOption, PerturbByte); }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }
}
