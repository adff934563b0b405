using AutoRetrain.Core;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// Test-time views: averaged over a group of flips and transposes, the output of a flipped (or transposed) chip is the
/// output of the chip, flipped (or transposed) with its sizes and offsets mapped as the decoder reads them. A wrong
/// channel swap or offset reflection breaks the equality; so does a view mapped back the wrong way.
/// </summary>
public class DihedralViewsTests
{
    private const int Classes = 2;

    [Fact]
    public void Forward_OneView_IsThePlainForward()
    {
        using var scope = NewDisposeScope();
        using var folded = Model(7);
        var input = randn(2, 3, 64, 64);
        Assert.True(folded.Forward(input).eq(DihedralViews.Forward(folded, input, 1)).all().item<bool>());
    }

    [Theory]
    [InlineData(2, "flipX")]
    [InlineData(4, "flipX")]
    [InlineData(4, "flipY")]
    [InlineData(8, "flipX")]
    [InlineData(8, "flipY")]
    [InlineData(8, "transpose")]
    public void Forward_ViewsOfATransformedChip_AreTheTransformedViewsOfTheChip(int views, string transform)
    {
        using var scope = NewDisposeScope();
        using var folded = Model(8);
        var input = randn(2, 3, 64, 64);
        var ofTransformed = DihedralViews.Forward(folded, Apply(input, transform), views);
        var expected = MapOutput(DihedralViews.Forward(folded, input, views), transform);

        double difference = (ofTransformed - expected).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"{views} views under {transform}: max difference {difference}");
        // Not trivially equal: the single forward is not equivariant, so the views do the work.
        double single = (folded.Forward(Apply(input, transform)) - MapOutput(folded.Forward(input), transform)).abs().max().item<float>();
        Assert.True(single > 1e-3, $"one view under {transform} differs by only {single}");
    }

    [Fact]
    public void Forward_EightViews_OfAChipDiffersFromOneView_AndKeepsTheOutputShape()
    {
        using var scope = NewDisposeScope();
        using var folded = Model(9);
        var input = randn(1, 3, 64, 64);
        var one = folded.Forward(input);
        var eight = DihedralViews.Forward(folded, input, 8);
        Assert.Equal(one.shape, eight.shape);
        Assert.True((one - eight).abs().max().item<float>() > 1e-3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(16)]
    public void Check_OtherCounts_AreRefusedNamingTheOption(int views)
    {
        var error = Assert.Throws<AutoRetrainException>(() => DihedralViews.Check(views, "--views"));
        Assert.Contains($"--views {views}", error.Message);
    }

    private static InferenceCenterNet Model(int seed)
    {
        random.manual_seed(seed);
        using var model = new CenterNet(DetectorArchitecture.Nano, Classes);
        // Random biases on every head, so sizes and offsets are far from symmetric values such as 0.5.
        using (no_grad())
            foreach (var (name, parameter) in model.named_parameters())
                if (name.EndsWith("bias", StringComparison.Ordinal)) parameter.uniform_(-1, 1);
        model.eval();
        return model.FoldForInference();
    }

    private static Tensor Apply(Tensor chip, string transform) => transform switch
    {
        "flipX" => chip.flip(3),
        "flipY" => chip.flip(2),
        _ => chip.transpose(2, 3).contiguous(),
    };

    /// <summary>The output of the transformed chip, written independently of the code under test: heatmap cells move
    /// with the pixels; a flip reflects its axis's offset (o → 1 − o); a transpose swaps width with height and x with y offsets.</summary>
    private static Tensor MapOutput(Tensor output, string transform)
    {
        var heat = output.narrow(1, 0, Classes);
        var (w, h, ox, oy) = (output.narrow(1, Classes, 1), output.narrow(1, Classes + 1, 1), output.narrow(1, Classes + 2, 1), output.narrow(1, Classes + 3, 1));
        return transform switch
        {
            "flipX" => cat([heat, w, h, 1 - ox, oy], 1).flip(3),
            "flipY" => cat([heat, w, h, ox, 1 - oy], 1).flip(2),
            _ => cat([heat, h, w, oy, ox], 1).transpose(2, 3),
        };
    }
}
