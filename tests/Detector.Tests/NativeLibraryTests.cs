using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class NativeLibraryTests
{
    [Fact]
    public void Ones_OnThisMachine_LoadsLibTorchAndComputes()
    {
        using var scope = NewDisposeScope();
        var sum = ones(2).sum().item<float>();
        Assert.Equal(2f, sum);
    }

    [Fact]
    public void Conv2d_Backward_RunsThroughLibTorchKernels()
    {
        using var scope = NewDisposeScope();
        var conv = TorchSharp.torch.nn.Conv2d(3, 4, 3, padding: 1);
        var input = randn(2, 3, 8, 8).requires_grad_();
        conv.call(input).relu().mean().backward();
        Assert.NotNull(input.grad);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, input.grad!.shape);
    }

    [Fact]
    public void DeviceCuda_WithTheCpuPackage_IsRefusedWithTorchSharpsReason()
    {
        // The tests reference TorchSharp-cpu, so CUDA cannot load: the refusal says what TorchSharp found, not only
        // that is_available() answered false.
        var ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => AutoRetrain.Detector.Model.DeviceChoice.Resolve("cuda"));

        Assert.Equal("--device cuda: no CUDA device is available to TorchSharp (no libtorch_cuda on the library path: the "
            + "TorchSharp-cpu package, or no libtorch CUDA libraries on LD_LIBRARY_PATH); use --device cpu.", ex.Message);
    }

    [Fact]
    public void WhyNotLoaded_ALibtorchCudaThatExists_KeepsTheLoadersReasonAndDropsTheEmptyProbes()
    {
        // .NET's DllNotFoundException text on Linux: one line per probed path with dlerror's answer.
        string message = "Unable to load shared library 'torch_cuda' or one of its dependencies. In order to help diagnose loading "
            + "problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: "
            + "/app/runtimes/linux-x64/native/torch_cuda.so: cannot open shared object file: No such file or directory\n"
            + "/app/libtorch_cuda.so: cannot open shared object file: No such file or directory\n"
            + "libtorch_cuda.so: /opt/torch/lib/libtorch_cuda.so: undefined symbol: _ZN3c104cuda9SetDeviceEab\n";

        Assert.Equal("libtorch_cuda does not load: libtorch_cuda.so: /opt/torch/lib/libtorch_cuda.so: undefined symbol: _ZN3c104cuda9SetDeviceEab",
            AutoRetrain.Detector.Model.DeviceChoice.WhyNotLoaded(message));
        Assert.StartsWith("no libtorch_cuda on the library path", AutoRetrain.Detector.Model.DeviceChoice.WhyNotLoaded(
            "Unable to load shared library 'torch_cuda'. LD_DEBUG environment variable: /a/torch_cuda.so: cannot open shared object file: No such file or directory\n"));
    }
}
