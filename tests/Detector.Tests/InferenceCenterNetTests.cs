using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class InferenceCenterNetTests
{
    [Theory]
    [InlineData("nano", 3)]
    [InlineData("tiny", 1)]
    public void FoldForInference_TrainedStatistics_GivesEvalModeOutput(string architecture, int classes)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        using var model = new CenterNet(DetectorArchitecture.Named(architecture), classes);
        // A few training-mode forwards give the batch norms running statistics far from their initial 0 and 1, and
        // random affine parameters make the fold do real work.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                if (name.Contains("norm", StringComparison.OrdinalIgnoreCase) || name.Contains("shortcut.1", StringComparison.Ordinal))
                    parameter.uniform_(0.5, 1.5);
            model.train();
            for (int i = 0; i < 3; i++) model.call(randn(4, 3, 64, 64));
        }
        model.eval();
        var input = randn(2, 3, 64, 64);
        Tensor expected;
        using (no_grad()) expected = model.call(input);
        using var folded = model.FoldForInference();
        var actual = folded.Forward(input);

        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= 1e-4 * Math.Max(1, scale), $"max |eval - folded| = {difference} (output scale {scale})");
        Assert.True(input.requires_grad == false && input.shape.SequenceEqual(new long[] { 2, 3, 64, 64 }), "the input is left as it was");
    }

    [Fact]
    public void Forward_Training_StillBackpropagatesIntoEveryParameter()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        using var model = new CenterNet(DetectorArchitecture.Nano, 2);
        model.train();
        model.call(randn(2, 3, 32, 32)).square().mean().backward();
        var missing = model.named_parameters().Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0)
            .Select(p => p.name).ToList();
        Assert.Empty(missing);
    }
}
