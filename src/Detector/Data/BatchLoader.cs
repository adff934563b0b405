using System.Threading.Channels;

namespace AutoRetrain.Detector.Data;

/// <summary>
/// Builds the batches of one epoch on a background task, a few ahead of the training loop, so the model
/// does not wait for augmentation. The order and every augmentation follow from the seed alone.
/// </summary>
public sealed class BatchLoader(IReadOnlyList<LabelledTile> tiles, IReadOnlyDictionary<string, int> classIndex,
    int chipSize, int batchSize, Normalisation norm, AugmentationOptions? augmentation, int prefetch = 3)
{
    public async IAsyncEnumerable<ChipBatch> Epoch(int[] order, int seed, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = Channel.CreateBounded<ChipBatch>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in Batches(order, seed))
                    await channel.Writer.WriteAsync(batch, ct);
                channel.Writer.Complete();
            }
            catch (Exception ex) { channel.Writer.Complete(ex); }
        }, ct);
        await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            yield return batch;
        await producer;
    }

    /// <summary>The same batches, built synchronously (tests and the loader benchmark).</summary>
    public IEnumerable<ChipBatch> Batches(int[] order, int seed)
    {
        var seeds = new Random(seed);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int[] indices = order[start..Math.Min(order.Length, start + batchSize)];
            int[] sampleSeeds = indices.Select(_ => seeds.Next()).ToArray();
            yield return ChipBatch.Build(tiles, classIndex, indices, chipSize, norm, augmentation, sampleSeeds);
        }
    }
}
