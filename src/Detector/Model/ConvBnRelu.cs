using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace AutoRetrain.Detector.Model;

/// <summary>3×3 (or k×k) convolution, batch norm, ReLU: the building block of the backbone.</summary>
internal sealed class ConvBnRelu : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly HeldBatchNorm2d norm;
    private readonly long stride;
    private readonly long padding;

    public ConvBnRelu(string name, long inChannels, long outChannels, long stride = 1, long kernel = 3) : base(name)
    {
        (this.stride, padding) = (stride, kernel / 2);
        conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: false);
        norm = new HeldBatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.call(input);
        using var normalised = norm.call(convolved);
        return functional.relu(normalised);
    }

    /// <summary>The convolution with its batch norm folded in (eval statistics); ReLU is applied by the caller.</summary>
    internal FoldedConv Fold() => FoldedConv.Of(conv, norm, stride, padding);
}

/// <summary>Two 3×3 convolutions with an identity (or 1×1 projection) shortcut, as in ResNet's basic block.</summary>
internal sealed class ResidualBlock : Module<Tensor, Tensor>
{
    private readonly ConvBnRelu first;
    private readonly Conv2d second;
    private readonly HeldBatchNorm2d secondNorm;
    private readonly Sequential? shortcut;
    private readonly long stride;

    public ResidualBlock(string name, long inChannels, long outChannels, long stride) : base(name)
    {
        this.stride = stride;
        first = new ConvBnRelu("first", inChannels, outChannels, stride);
        second = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        secondNorm = new HeldBatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            shortcut = Sequential(Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), new HeldBatchNorm2d(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // Each intermediate is released as soon as the next one exists (autograd keeps what backward needs).
        Tensor residual;
        using (var activated = first.call(input))
        using (var convolved = second.call(activated))
            residual = secondNorm.call(convolved);
        using (residual)
        {
            using var projected = shortcut?.call(input);
            using var sum = residual.add(projected ?? input, HeldScalars.One);
            return functional.relu(sum);
        }
    }

    internal FoldedResidualBlock Fold() => new(first.Fold(), FoldedConv.Of(second, secondNorm, 1, 1),
        shortcut is null ? null : FoldedConv.Of((Conv2d)shortcut[0], (HeldBatchNorm2d)shortcut[1], stride, 0));
}

/// <summary>A <see cref="ResidualBlock"/> with its batch norms folded in, for inference; intermediates are freed as it goes.</summary>
internal sealed class FoldedResidualBlock(FoldedConv first, FoldedConv second, FoldedConv? shortcut) : IDisposable
{
    public Tensor Apply(Tensor input)
    {
        Tensor residual;
        using (var activated = first.Apply(input))
        {
            activated.relu_();
            residual = second.Apply(activated);
        }
        if (shortcut is null) residual.add_(input, HeldScalars.One);
        else
        {
            using var identity = shortcut.Apply(input);
            residual.add_(identity, HeldScalars.One);
        }
        return residual.relu_();
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
        shortcut?.Dispose();
    }
}
