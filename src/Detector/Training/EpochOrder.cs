using AutoRetrain.Core;
using AutoRetrain.Core.Sampling;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// Which tiles an epoch visits. Without a weights file: a shuffled permutation. With one (see
/// <see cref="SampleWeights"/>): round(Σ weight) draws with replacement among the tiles whose fromEpoch has
/// come, each with probability proportional to its weight; tiles the file does not list weigh 1 from epoch 0.
/// </summary>
public static class EpochOrder
{
    public static int[] For(IReadOnlyList<TileWeight>? weights, int epochIndex, Random rng)
    {
        if (weights is null) throw new ArgumentNullException(nameof(weights));
        var eligible = Enumerable.Range(0, weights.Count).Where(i => weights[i].FromEpoch <= epochIndex && weights[i].Weight > 0).ToList();
        double total = eligible.Sum(i => weights[i].Weight);
        int draws = (int)Math.Round(total);
        if (eligible.Count == 0 || draws == 0)
            throw new AutoRetrainException($"epoch {epochIndex}: every training tile has weight 0 or a later fromEpoch; nothing to train on.");
        var cumulative = new double[eligible.Count];
        double running = 0;
        for (int k = 0; k < eligible.Count; k++) cumulative[k] = running += weights[eligible[k]].Weight;
        var order = new int[draws];
        for (int d = 0; d < draws; d++)
        {
            int at = Array.BinarySearch(cumulative, rng.NextDouble() * total);
            if (at < 0) at = ~at;
            order[d] = eligible[Math.Min(at, eligible.Count - 1)];
        }
        return order;
    }

    public static int[] Shuffled(int count, Random rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return order;
    }
}
