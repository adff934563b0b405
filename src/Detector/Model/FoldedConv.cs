using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// A convolution with the batch norm that follows it folded into its weights and bias, for inference only:
/// in eval mode batch norm is the per-channel affine map γ·(x − μ)/√(σ² + ε) + β with fixed statistics, so
/// W′ = W·s and b′ = (b − μ)·s + β with s = γ/√(σ² + ε) give the same output in one kernel instead of two.
/// The folded tensors are copies: the trained module is left as it was.
/// </summary>
internal sealed class FoldedConv : IDisposable
{
    private readonly Tensor weight;
    private readonly Tensor bias;
    private readonly long stride;
    private readonly long padding;

    private FoldedConv(Tensor weight, Tensor bias, long stride, long padding) =>
        (this.weight, this.bias, this.stride, this.padding) = (weight, bias, stride, padding);

    public static FoldedConv Of(Conv2d conv, HeldBatchNorm2d? norm, long stride, long padding)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var w = conv.weight!.detach();
        var b = conv.bias is { } convBias ? convBias.detach() : zeros(w.shape[0], dtype: w.dtype, device: w.device);
        if (norm is not null)
        {
            using var eps = HeldBatchNorm2d.Epsilon.ToScalar();
            var scale = norm.Weight.detach() / norm.RunningVariance.add(eps, HeldScalars.One).sqrt();
            w = w * scale.reshape(-1, 1, 1, 1);
            // b − μ as b + (−μ): TorchSharp's sub takes no explicit alpha.
            using var negativeMean = norm.RunningMean.neg();
            b = b.add(negativeMean, HeldScalars.One).mul(scale).add(norm.Bias.detach(), HeldScalars.One);
        }
        return new FoldedConv(w.contiguous().clone().MoveToOuterDisposeScope(), b.contiguous().clone().MoveToOuterDisposeScope(), stride, padding);
    }

    /// <summary>The convolution (and folded norm) of <paramref name="input"/>; the caller owns the result.</summary>
    public Tensor Apply(Tensor input) =>
        functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);

    public void Dispose()
    {
        weight.Dispose();
        bias.Dispose();
    }
}
