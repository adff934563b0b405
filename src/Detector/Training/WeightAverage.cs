using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// An exponential moving average of a training model's weights (Polyak averaging, as detectors such as YOLOv5 keep it):
/// after every optimiser step each floating-point tensor of the state dict (parameters and batch-norm statistics)
/// moves towards the live one, <c>average = d·average + (1−d)·live</c>, with <c>d = min(decay, (1+n)/(10+n))</c> after
/// n updates so that the early average is not held back by the random start. The average is what the trainer
/// evaluates and saves: it does not jump with the last few batches, which on rare classes swing the validation AP
/// from one epoch to the next.
/// </summary>
public sealed class WeightAverage
{
    private readonly (Tensor Live, Tensor Average)[] pairs;
    private readonly double decay;
    private long updates;

    public WeightAverage(CenterNet live, CenterNet average, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(decay, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1);
        this.decay = decay;
        var liveState = live.state_dict();
        var averageState = average.state_dict();
        // The state-dict wrappers of buffers must live as long as the models (see WarmStart.CopyWeights).
        live.KeepAlive(liveState);
        average.KeepAlive(averageState);
        pairs = liveState.Select(kv => (kv.Value, averageState[kv.Key])).ToArray();
        using var _ = no_grad();
        foreach (var (l, a) in pairs) a.copy_(l);
    }

    /// <summary>The decay the next update uses.</summary>
    public double NextDecay => Math.Min(decay, (2.0 + updates) / (11.0 + updates));

    public void Update()
    {
        double d = NextDecay;
        updates++;
        using var _ = no_grad();
        // One weight tensor, disposed after every lerp_ has run: a number converted implicitly at each call would be
        // freed only by its finaliser, which a collection can run while the native call still reads it (see BatchLoader).
        using Tensor weight = 1 - d;
        foreach (var (l, a) in pairs)
        {
            if (a.is_floating_point()) a.lerp_(l, weight); // d·a + (1−d)·l in one in-place op
            else a.copy_(l);
        }
    }
}
