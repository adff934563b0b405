using AutoRetrain.Core;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// Which tiles an epoch visits: a shuffled permutation when weights are uniform, otherwise as many draws
/// with replacement as there are tiles, each tile with probability proportional to its weight (so
/// repeat-factor or class-balanced sampling works through the weights file alone).
/// </summary>
public static class EpochOrder
{
    public static int[] For(IReadOnlyList<double> weights, Random rng)
    {
        int n = weights.Count;
        if (weights.All(w => w == weights[0]) && weights[0] > 0)
        {
            var order = Enumerable.Range(0, n).ToArray();
            rng.Shuffle(order);
            return order;
        }
        double total = weights.Sum();
        if (!(total > 0)) throw new AutoRetrainException("every training tile has weight 0; nothing to train on.");
        var cumulative = new double[n];
        double running = 0;
        for (int i = 0; i < n; i++) cumulative[i] = running += weights[i];
        var draws = new int[n];
        for (int d = 0; d < n; d++)
        {
            int at = Array.BinarySearch(cumulative, rng.NextDouble() * total);
            if (at < 0) at = ~at;
            draws[d] = Math.Min(at, n - 1);
        }
        return draws;
    }
}
