using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// CenterNet-style anchor-free detector for small, densely packed objects: a small residual backbone
/// (strides 4, 8, 16), an FPN-lite top-down fusion back to stride 4, and three heads: per-class centre
/// heatmap logits, box size (in output cells) and sub-cell centre offset. The output is one tensor
/// [batch, classes + 4, H/4, W/4]: heatmap logits, then width, height, then x and y offsets.
/// </summary>
public sealed class CenterNet : Module<Tensor, Tensor>
{
    private readonly List<object> keptAlive = [];

    /// <summary>Keeps an object (state-dict wrappers of this model's buffers) alive as long as the model (see
    /// WarmStart.CopyWeights).</summary>
    internal void KeepAlive(object kept) => keptAlive.Add(kept);

    /// <summary>Heatmap bias so that every class starts at probability 0.1 (−ln 9), as in CenterNet.</summary>
    public const double HeatmapPriorBias = -2.19;

    /// <summary>Name of the heatmap head's last convolution: warm start widens it when classes are added.</summary>
    public const string HeatmapOutputPrefix = "heatmap.2.";

    private readonly Sequential stem;
    private readonly Sequential stage8;
    private readonly Sequential stage16;
    private readonly Conv2d lateral4;
    private readonly Conv2d lateral8;
    private readonly Conv2d lateral16;
    private readonly ConvBnRelu fuse;
    private readonly Sequential heatmap;
    private readonly Sequential size;
    private readonly Sequential offset;

    public int ClassCount { get; }
    public DetectorArchitecture Architecture { get; }

    public CenterNet(DetectorArchitecture architecture, int classCount) : base(nameof(CenterNet))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        NativeHeap.KeepFreedMemory();
        NativeHeap.ZeroFreshAllocationsFor(architecture);
        Architecture = architecture;
        ClassCount = classCount;
        var (c4, c8, c16, ch) = (architecture.Stride4Channels, architecture.Stride8Channels, architecture.Stride16Channels, architecture.HeadChannels);

        stem = Sequential(
            ("conv1", new ConvBnRelu("conv1", 3, c4 / 2, stride: 2)),
            ("conv2", new ConvBnRelu("conv2", c4 / 2, c4, stride: 2)),
            ("block", new ResidualBlock("block", c4, c4, 1)));
        stage8 = Sequential(("down", new ResidualBlock("down", c4, c8, 2)), ("block", new ResidualBlock("block", c8, c8, 1)));
        stage16 = Sequential(("down", new ResidualBlock("down", c8, c16, 2)), ("block", new ResidualBlock("block", c16, c16, 1)));
        lateral4 = Conv2d(c4, ch, 1);
        lateral8 = Conv2d(c8, ch, 1);
        lateral16 = Conv2d(c16, ch, 1);
        fuse = new ConvBnRelu("fuse", ch, ch);
        heatmap = Head(ch, classCount);
        size = Head(ch, 2);
        offset = Head(ch, 2);
        RegisterComponents();

        using (no_grad())
        {
            var last = (Conv2d)heatmap[2];
            using (var prior = HeatmapPriorBias.ToScalar()) last.bias!.fill_(prior);
        }
    }

    private static Sequential Head(long inChannels, long outChannels) => Sequential(
        Conv2d(inChannels, inChannels, 3, padding: 1), ReLU(), Conv2d(inChannels, outChannels, 1));

    public override Tensor forward(Tensor input)
    {
        // Sums pass HeldScalars.One as alpha rather than a temporary Scalar (see there). Intermediates are released as soon as they are used (autograd keeps its own references to what backward
        // needs); the scope only catches what a submodule leaves behind. Holding every intermediate to the end made
        // the allocator return memory to the system and fault it back in on every forward.
        using var scope = NewDisposeScope();
        using var f4 = stem.call(input);
        using var f8 = stage8.call(f4);
        Tensor fine;
        using (var f16 = stage16.call(f8))
        using (var top = lateral16.call(f16))
        using (var topUp = Upsample(top))
        using (var side8 = lateral8.call(f8))
        using (var mid = side8.add(topUp, HeldScalars.One))
        using (var midUp = Upsample(mid))
        using (var side4 = lateral4.call(f4))
            fine = side4.add(midUp, HeldScalars.One);
        Tensor features;
        using (fine) features = fuse.call(fine);
        using (features)
        using (var heat = heatmap.call(features))
        using (var boxSize = size.call(features))
        using (var boxOffset = offset.call(features))
            return cat([heat, boxSize, boxOffset], 1).MoveToOuterDisposeScope();
    }

    private static Tensor Upsample(Tensor x) => functional.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest);

    /// <summary>
    /// An inference copy of the current weights with batch norm folded into the convolutions (eval statistics). The
    /// copy does not follow later training: make a new one after the weights change.
    /// </summary>
    public InferenceCenterNet FoldForInference()
    {
        var head = (Sequential h) => (FoldedConv.Of((Conv2d)h[0], null, 1, 1), FoldedConv.Of((Conv2d)h[2], null, 1, 0));
        return new InferenceCenterNet(ClassCount,
            [((ConvBnRelu)stem[0]).Fold(), ((ConvBnRelu)stem[1]).Fold()], ((ResidualBlock)stem[2]).Fold(),
            [((ResidualBlock)stage8[0]).Fold(), ((ResidualBlock)stage8[1]).Fold()],
            [((ResidualBlock)stage16[0]).Fold(), ((ResidualBlock)stage16[1]).Fold()],
            FoldedConv.Of(lateral4, null, 1, 0), FoldedConv.Of(lateral8, null, 1, 0), FoldedConv.Of(lateral16, null, 1, 0),
            fuse.Fold(), [head(heatmap), head(size), head(offset)]);
    }
}
