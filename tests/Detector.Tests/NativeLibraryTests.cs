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
}
