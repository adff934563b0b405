using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class NativeHeapTests
{
    /// <summary>Minor page faults of this process so far (/proc/self/stat, field 10).</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]); // field 10 of the line, counting from the state (field 3)
    }

    [Fact]
    public void KeepFreedMemory_RepeatedForwards_DoNotFaultTheirBuffersInAgain()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var model = new CenterNet(DetectorArchitecture.Nano, classCount: 6);
        model.eval();
        using var folded = model.FoldForInference();
        using var input = randn(16, 3, 256, 256);
        for (int i = 0; i < 3; i++) folded.Forward(input).Dispose(); // the heap grows to its high-water mark
        long before = MinorFaults();
        const int forwards = 5;
        for (int i = 0; i < forwards; i++) folded.Forward(input).Dispose();
        double perForward = (MinorFaults() - before) / (double)forwards;
        // glibc's defaults map and unmap these buffers on every forward: thousands of faults each (bench inference:
        // 7,000-20,000); kept in the heap, a handful.
        Assert.True(perForward < 500, $"{perForward:F0} minor page faults per forward");
    }
}
