using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// The forward pass of a trained <see cref="CenterNet"/> for inference only (<see cref="CenterNet.FoldForInference"/>):
/// batch norm folded into the convolutions, ReLU and residual sums in place, every intermediate freed as soon as the
/// next layer has read it, and the whole pass in inference mode (no autograd records). Same output as the model in
/// eval mode, up to float rounding.
/// </summary>
public sealed class InferenceCenterNet : IDisposable
{
    private readonly FoldedConv[] stem;
    private readonly FoldedResidualBlock stemBlock;
    private readonly FoldedResidualBlock[] stage8;
    private readonly FoldedResidualBlock[] stage16;
    private readonly FoldedConv lateral4, lateral8, lateral16, fuse;
    private readonly (FoldedConv Hidden, FoldedConv Output)[] heads;

    public int ClassCount { get; }

    internal InferenceCenterNet(int classCount, FoldedConv[] stem, FoldedResidualBlock stemBlock, FoldedResidualBlock[] stage8,
        FoldedResidualBlock[] stage16, FoldedConv lateral4, FoldedConv lateral8, FoldedConv lateral16, FoldedConv fuse,
        (FoldedConv Hidden, FoldedConv Output)[] heads)
    {
        ClassCount = classCount;
        (this.stem, this.stemBlock, this.stage8, this.stage16) = (stem, stemBlock, stage8, stage16);
        (this.lateral4, this.lateral8, this.lateral16, this.fuse, this.heads) = (lateral4, lateral8, lateral16, fuse, heads);
    }

    /// <summary>[batch, classes + 4, H/4, W/4], as <see cref="CenterNet.forward"/>; the caller owns the result.</summary>
    public Tensor Forward(Tensor input)
    {
        using var mode = inference_mode();
        var x = input;
        foreach (var conv in stem) x = Replace(x, conv.Apply(x).relu_(), input);
        var f4 = Replace(x, stemBlock.Apply(x), input);
        Tensor f8, fine;
        using (f4)
        {
            f8 = Chain(f4, stage8);
            using (f8)
            {
                Tensor mid;
                using (var f16 = Chain(f8, stage16))
                using (var top = lateral16.Apply(f16))
                using (var topUp = Upsample(top))
                    mid = lateral8.Apply(f8).add_(topUp, HeldScalars.One);
                using (mid)
                using (var midUp = Upsample(mid))
                    fine = lateral4.Apply(f4).add_(midUp, HeldScalars.One);
            }
        }
        using var features = fuse.Apply(fine).relu_();
        fine.Dispose();
        var outputs = new Tensor[heads.Length];
        try
        {
            for (int i = 0; i < heads.Length; i++)
            {
                using var hidden = heads[i].Hidden.Apply(features).relu_();
                outputs[i] = heads[i].Output.Apply(hidden);
            }
            return cat(outputs, 1);
        }
        finally
        {
            foreach (var o in outputs) o?.Dispose();
        }
    }

    private static Tensor Chain(Tensor input, FoldedResidualBlock[] blocks)
    {
        var x = input;
        foreach (var block in blocks) x = Replace(x, block.Apply(x), input);
        return x;
    }

    /// <summary>Frees the previous activation (never the caller's input) and returns the next.</summary>
    private static Tensor Replace(Tensor previous, Tensor next, Tensor keep)
    {
        if (!ReferenceEquals(previous, keep)) previous.Dispose();
        return next;
    }

    private static Tensor Upsample(Tensor x) => functional.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest);

    public void Dispose()
    {
        foreach (var c in stem) c.Dispose();
        stemBlock.Dispose();
        foreach (var b in stage8.Concat(stage16)) b.Dispose();
        foreach (var c in new[] { lateral4, lateral8, lateral16, fuse }) c.Dispose();
        foreach (var (hidden, output) in heads)
        {
            hidden.Dispose();
            output.Dispose();
        }
    }
}
