using AutoRetrain.Detector.Model;
using TorchSharp;
using TorchSharp.Modules;
using static AutoRetrain.Detector.Model.HeldScalars;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter, decoupled weight decay) as PyTorch defines it, without AMSGrad: with gradient g at step t,
/// θ ← θ(1 − ηλ); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// <para>Why not TorchSharp's <c>optim.AdamW</c>: its step passes every coefficient to the native operations as a
/// temporary Scalar that only a finaliser frees (<see cref="HeldScalars"/> says why that is a use-after-free when another
/// thread allocates), nine of them per parameter per step. Here every coefficient is a Scalar held until the step
/// returns. <c>HeldAdamWTests</c> checks that the two give the same weights, step by step.</para>
/// </summary>
public sealed class HeldAdamW : IDisposable
{
    public const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private static readonly Scalar Beta1Scalar = Beta1.ToScalar(), Beta2Scalar = Beta2.ToScalar();
    private static readonly Scalar OneMinusBeta1 = (1 - Beta1).ToScalar(), OneMinusBeta2 = (1 - Beta2).ToScalar();
    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();

    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private long steps;

    public HeldAdamW(IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
    {
        this.parameters = parameters.ToArray();
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        firstMoments = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        secondMoments = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>η, set by the schedule before each step.</summary>
    public double LearningRate { get; set; }

    /// <summary>λ, the decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            using var gradient = p.grad;
            gradient?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        steps++;
        double correction1 = 1 - Math.Pow(Beta1, steps), correction2 = 1 - Math.Pow(Beta2, steps);
        using var decay = (1 - LearningRate * WeightDecay).ToScalar();
        using var stepSize = (-LearningRate / correction1).ToScalar();
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            using var gradient = parameters[i].grad;
            if (gradient is null) continue;
            using var scope = NewDisposeScope();
            parameters[i].mul_(decay);
            firstMoments[i].mul_(Beta1Scalar).add_(gradient, OneMinusBeta1);
            secondMoments[i].mul_(Beta2Scalar).addcmul_(gradient, gradient, OneMinusBeta2);
            var denominator = secondMoments[i].sqrt().div_(rootCorrection2).add_(EpsilonScalar, One);
            parameters[i].addcdiv_(firstMoments[i], denominator, stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in firstMoments.Concat(secondMoments)) t.Dispose();
    }
}
