using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace AutoRetrain.Detector.Model;

/// <summary>3×3 (or k×k) convolution, batch norm, ReLU: the building block of the backbone.</summary>
internal sealed class ConvBnRelu : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d norm;

    public ConvBnRelu(string name, long inChannels, long outChannels, long stride = 1, long kernel = 3) : base(name)
    {
        conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: false);
        norm = BatchNorm2d(outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => functional.relu(norm.call(conv.call(input)));
}

/// <summary>Two 3×3 convolutions with an identity (or 1×1 projection) shortcut, as in ResNet's basic block.</summary>
internal sealed class ResidualBlock : Module<Tensor, Tensor>
{
    private readonly ConvBnRelu first;
    private readonly Conv2d second;
    private readonly BatchNorm2d secondNorm;
    private readonly Module<Tensor, Tensor>? shortcut;

    public ResidualBlock(string name, long inChannels, long outChannels, long stride) : base(name)
    {
        first = new ConvBnRelu("first", inChannels, outChannels, stride);
        second = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        secondNorm = BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            shortcut = Sequential(Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), BatchNorm2d(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var residual = secondNorm.call(second.call(first.call(input)));
        var identity = shortcut is null ? input : shortcut.call(input);
        var sum = residual + identity;
        if (shortcut is not null) identity.Dispose();
        return functional.relu(sum);
    }
}
