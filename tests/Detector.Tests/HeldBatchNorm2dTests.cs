using AutoRetrain.Detector.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoRetrain.Detector.Tests;

public class HeldBatchNorm2dTests
{
    [Fact]
    public void TrainingAndEval_GiveBatchNorm2dsOutputsAndStatistics()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var reference = Sequential(BatchNorm2d(4));
        var held = Sequential(new HeldBatchNorm2d(4));
        // Non-trivial affine weights, copied across through the shared state-dict names.
        using (no_grad())
        {
            var state = reference.state_dict();
            state["0.weight"].copy_(rand(4) + 0.5);
            state["0.bias"].copy_(randn(4));
        }
        held.load_state_dict(reference.state_dict(), strict: true);
        reference.train();
        held.train();
        for (int i = 0; i < 3; i++)
        {
            var input = randn(5, 4, 6, 6) * 3 + 1;
            Assert.True(reference.call(input).allclose(held.call(input), rtol: 1e-5, atol: 1e-6));
        }
        var referenceState = reference.state_dict();
        var heldState = held.state_dict();
        Assert.Equal(referenceState.Keys.Order(), heldState.Keys.Order());
        foreach (string key in referenceState.Keys)
            Assert.True(referenceState[key].to_type(ScalarType.Float64).allclose(heldState[key].to_type(ScalarType.Float64), rtol: 1e-5, atol: 1e-6), key);
        Assert.Equal(3L, heldState["0.num_batches_tracked"].item<long>());
        Assert.False(heldState["0.running_mean"].allclose(zeros(4))); // the statistics moved

        reference.eval();
        held.eval();
        var test = randn(2, 4, 6, 6);
        Assert.True(reference.call(test).allclose(held.call(test), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(3L, held.state_dict()["0.num_batches_tracked"].item<long>()); // eval counts nothing
    }

    [Fact]
    public void WeightsSavedFromBatchNorm2d_LoadStrictly()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"held-bn-{Guid.NewGuid():N}.bin");
        try
        {
            random.manual_seed(4);
            var reference = Sequential(Conv2d(3, 4, 3, bias: false), BatchNorm2d(4));
            reference.train();
            reference.call(randn(2, 3, 8, 8));
            reference.save(path);
            var held = Sequential(Conv2d(3, 4, 3, bias: false), new HeldBatchNorm2d(4));
            held.load(path, strict: true);
            reference.eval();
            held.eval();
            var input = randn(2, 3, 8, 8);
            Assert.True(reference.call(input).allclose(held.call(input), rtol: 1e-5, atol: 1e-6));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
