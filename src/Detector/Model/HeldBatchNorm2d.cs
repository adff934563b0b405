using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AutoRetrain.Detector.Model;

/// <summary>
/// Batch normalisation over the channels of [B, C, H, W] (Ioffe and Szegedy 2015) with running statistics updated at
/// momentum 0.1 and ε 1e-5: what TorchSharp's <c>BatchNorm2d</c> computes, with its parameters and buffers under the same
/// names (weight, bias, running_mean, running_var, num_batches_tracked), so a saved model loads into either.
/// <para>Why not <c>BatchNorm2d</c>: its training forward counts batches with <c>num_batches_tracked.add_(1)</c>, a
/// temporary Scalar freed only by a finaliser while nothing keeps it alive during the native call
/// (<see cref="HeldScalars"/>). This one adds a held 1. <c>HeldBatchNorm2dTests</c> checks that both give the same
/// outputs and statistics, and load each other's weights.</para>
/// </summary>
internal sealed class HeldBatchNorm2d : Module<Tensor, Tensor>
{
    public const double Momentum = 0.1;
    public const double Epsilon = 1e-5;

    // The field names are the state-dict keys (RegisterComponents), the same as BatchNorm2d's.
#pragma warning disable IDE1006 // naming: these are torch's names
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
#pragma warning restore IDE1006

    public HeldBatchNorm2d(long features) : base(nameof(BatchNorm2d))
    {
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = tensor(0L);
        RegisterComponents();
    }

    public Tensor Weight => weight;
    public Tensor Bias => bias;
    public Tensor RunningMean => running_mean;
    public Tensor RunningVariance => running_var;

    public override Tensor forward(Tensor input)
    {
        if (training) num_batches_tracked.add_(HeldScalars.One, HeldScalars.One); // a buffer: no gradient to track
        return functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Epsilon);
    }
}
