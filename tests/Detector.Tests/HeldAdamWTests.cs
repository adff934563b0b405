using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class HeldAdamWTests
{
    private static nn.Module<Tensor, Tensor> Model(int seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 1));
    }

    [Fact]
    public void Steps_WithChangingRates_GiveTorchSharpsAdamWWeights()
    {
        using var scope = NewDisposeScope();
        var reference = Model(5);
        var held = Model(5);
        using var referenceOptimizer = optim.AdamW(reference.parameters(), 1e-2, weight_decay: 0.05);
        using var heldOptimizer = new HeldAdamW(held.parameters(), 1e-2, 0.05);
        random.manual_seed(6);
        var input = randn(4, 3, 12, 12);
        double[] rates = [1e-2, 2e-2, 5e-3, 3e-2, 1e-3, 1e-2];
        foreach (double rate in rates)
        {
            foreach (var group in referenceOptimizer.ParamGroups) group.LearningRate = rate;
            heldOptimizer.LearningRate = rate;
            referenceOptimizer.zero_grad();
            reference.call(input).square().mean().backward();
            referenceOptimizer.step();
            heldOptimizer.ZeroGrad();
            held.call(input).square().mean().backward();
            heldOptimizer.Step();
        }
        var pairs = reference.parameters().Zip(held.parameters()).ToList();
        Assert.Equal(4, pairs.Count);
        foreach (var (r, h) in pairs)
            Assert.True(r.allclose(h, rtol: 1e-5, atol: 1e-7), $"max difference {(r - h).abs().max().item<float>()}");
        // The weights moved: the comparison is not between two untouched models.
        var start = Model(5).parameters().Zip(held.parameters());
        Assert.All(start, p => Assert.True((p.First - p.Second).abs().max().item<float>() > 1e-3));
    }

    [Fact]
    public void Step_ParameterWithoutGradient_IsLeftAlone()
    {
        using var scope = NewDisposeScope();
        var model = Model(7);
        var frozen = model.parameters().First();
        var before = frozen.detach().clone();
        frozen.requires_grad = false;
        using var optimizer = new HeldAdamW(model.parameters(), 1e-2, 0.1);
        optimizer.ZeroGrad();
        model.call(randn(2, 3, 8, 8)).sum().backward();
        optimizer.Step();
        Assert.True(frozen.allclose(before, rtol: 0, atol: 0));
    }
}
