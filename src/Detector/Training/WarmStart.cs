using AutoRetrain.Core;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// Copies a trained model's weights into a fresh one whose class list starts with the old classes
/// (new classes appended). Every tensor with the same name and shape is copied; the heatmap head's last
/// convolution gets the old classes' channels in its first rows and keeps its prior-initialised rows for the new ones.
/// </summary>
public static class WarmStart
{
    public static void CopyWeights(CenterNet from, CenterNet to)
    {
        if (from.Architecture != to.Architecture)
            throw new AutoRetrainException($"warm start: base model architecture '{from.Architecture.Name}' differs from '{to.Architecture.Name}'.");
        if (to.ClassCount < from.ClassCount)
            throw new AutoRetrainException($"warm start: the new model has fewer classes ({to.ClassCount}) than the base ({from.ClassCount}); classes are only ever appended.");
        var source = from.state_dict();
        var targets = to.state_dict();
        // The tensor wrappers state_dict hands out for buffers must not be finalised while the model lives:
        // a warm-started model crashed a few epochs later with tensors of the wrong type (freed and reused
        // buffers) until they were kept alive with it.
        to.KeepAlive(targets);
        using var _ = no_grad();
        foreach (var (name, target) in targets)
        {
            if (!source.TryGetValue(name, out var old)) continue;
            if (old.shape.SequenceEqual(target.shape))
                target.copy_(old);
            else if (name.StartsWith(CenterNet.HeatmapOutputPrefix, StringComparison.Ordinal) && old.shape[0] == from.ClassCount
                     && old.shape.Skip(1).SequenceEqual(target.shape.Skip(1)))
            {
                // Disposed here, not left to the finalizer: a view of a live parameter must not be freed behind libtorch's back.
                using var oldClasses = target.narrow(0, 0, from.ClassCount);
                oldClasses.copy_(old);
            }
            else
                throw new AutoRetrainException($"warm start: tensor '{name}' has shape [{string.Join(",", old.shape)}] in the base model and [{string.Join(",", target.shape)}] in the new one.");
        }
    }

    /// <summary>Base classes in their order, then classes seen only in the data, sorted ordinally.</summary>
    public static IReadOnlyList<string> GrowClassList(IReadOnlyList<string> baseClasses, IEnumerable<string> dataClasses) =>
        baseClasses.Concat(dataClasses.Except(baseClasses, StringComparer.Ordinal).Order(StringComparer.Ordinal)).ToList();
}
