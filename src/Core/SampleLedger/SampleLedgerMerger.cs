using AutoRetrain.Core.Ports;

namespace AutoRetrain.Core.SampleLedger;

/// <summary>
/// Folds a cycle's per-tile statistics into the ledger. This is the memory across cycles that the
/// sampling strategies depend on; a retried merge of the same cycle changes nothing.
/// </summary>
public sealed class SampleLedgerMerger(ISampleLedgerStore store, int capacity = SampleLedgerMerger.DefaultCapacity)
{
    /// <summary>Enough points for a variance (active bias) without letting very old cycles weigh in.</summary>
    public const int DefaultCapacity = 20;

    /// <summary>Merges the statistics of one cycle. Returns the number of tiles updated (0 when already merged).</summary>
    public async Task<int> MergeAsync(string cycleId, IReadOnlyList<TileTrainingStats> stats, CancellationToken ct = default)
    {
        if (capacity < 1)
            throw new AutoRetrainException($"Sample ledger: capacity {capacity} must be at least 1.");
        var foreign = stats.FirstOrDefault(s => s.CycleId != cycleId);
        if (foreign is not null)
            throw new AutoRetrainException($"Sample ledger: statistics of tile {foreign.TileId} belong to cycle {foreign.CycleId}, not to {cycleId}.");
        if (await store.IsCycleMergedAsync(cycleId, ct))
            return 0;

        var byTile = stats.GroupBy(s => s.TileId).ToList();
        var existing = await store.GetAsync(byTile.Select(g => g.Key), ct);
        var updated = byTile.Select(group =>
        {
            var history = existing.GetValueOrDefault(group.Key) ?? new TileHistory { TileId = group.Key };
            return history.Append(group.OrderBy(s => s.Epoch ?? int.MaxValue).Select(ToObservation), capacity);
        }).ToList();

        await store.PutAsync(updated, ct);
        await store.MarkCycleMergedAsync(cycleId, ct);
        return updated.Count;
    }

    public static TileObservation ToObservation(TileTrainingStats stats) => new()
    {
        CycleId = stats.CycleId,
        Epoch = stats.Epoch,
        Loss = stats.Loss,
        MeanTrueClassProbability = stats.TrueClassProbabilities.Count == 0 ? null : stats.TrueClassProbabilities.Average(),
        MinTrueClassProbability = stats.TrueClassProbabilities.Count == 0 ? null : stats.TrueClassProbabilities.Min(),
    };
}
