namespace AutoRetrain.Detector.Data;

/// <summary>
/// Builds the batches of one epoch on the calling thread, one at a time as the training loop asks for them (the
/// chips of a batch are rendered in parallel). The order and every augmentation follow from the seed alone.
/// <para>No batch is built on a background thread while the model trains: TorchSharp 0.107 turns every number
/// passed to an operation (<c>x + y</c>'s alpha, AdamW's betas and step size, <c>lerp_</c>'s weight) into a native
/// <c>Scalar</c> that only its finaliser frees, and nothing keeps it alive during the native call. A garbage
/// collection started by another thread's allocations while the training thread is inside such a call freed the
/// Scalar under it: the operation read freed memory (a random step size), the loss became NaN, and the same seed
/// failed about one run in two on a loaded machine (issue 13). When only the training thread allocates, a collection
/// can only start between operations. Building a batch costs about 1/40 of a training step (bench: loader 41×).</para>
/// </summary>
public sealed class BatchLoader(IReadOnlyList<LabelledTile> tiles, IReadOnlyDictionary<string, int> classIndex,
    int chipSize, int batchSize, Normalisation norm, AugmentationOptions? augmentation, double baseScale = 1, double regressionArea = 0)
{
    /// <summary>Batches of whole tiles in this order.</summary>
    public IEnumerable<ChipBatch> Batches(int[] order, int seed) =>
        Batches(order.Select(t => new TrainingSample(t, null)).ToArray(), seed);

    /// <summary>Batches of these samples (tiles or scene windows, see <see cref="EpochSamples"/>) in this order. With
    /// <paramref name="recycle"/> each batch reuses the previous one's arrays (<see cref="ChipBatch.Build(IReadOnlyList{LabelledTile}, IReadOnlyDictionary{string, int}, int[], int, Normalisation, Func{int, ChipTransform}, ChipBatch?)"/>):
    /// for a consumer that is done with a batch when it asks for the next.</summary>
    public IEnumerable<ChipBatch> Batches(TrainingSample[] samples, int seed, bool recycle = false)
    {
        var seeds = new Random(seed);
        ChipBatch? previous = null;
        for (int start = 0; start < samples.Length; start += batchSize)
        {
            var slice = samples[start..Math.Min(samples.Length, start + batchSize)];
            int[] sampleSeeds = slice.Select(_ => seeds.Next()).ToArray();
            var batch = ChipBatch.Build(tiles, classIndex, slice, chipSize, norm, augmentation, sampleSeeds, baseScale, recycle ? previous : null, regressionArea);
            previous = batch;
            yield return batch;
        }
    }
}
