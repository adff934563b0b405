using AutoRetrain.Core.SampleLedger;

namespace AutoRetrain.Core.Ports;

/// <summary>
/// Where the per-tile histories live between cycles (SQLite locally, Table Storage in Azure).
/// Written once per cycle, after training, by the cycle's record step.
/// </summary>
public interface ISampleLedgerStore
{
    /// <summary>Histories of the given tiles; a tile never trained on is simply absent.</summary>
    Task<IReadOnlyDictionary<string, TileHistory>> GetAsync(IEnumerable<string> tileIds, CancellationToken ct = default);

    /// <summary>Replaces the stored histories of these tiles.</summary>
    Task PutAsync(IEnumerable<TileHistory> histories, CancellationToken ct = default);

    /// <summary>The cycles already merged, so that a retried record step merges nothing twice.</summary>
    Task<bool> IsCycleMergedAsync(string cycleId, CancellationToken ct = default);

    Task MarkCycleMergedAsync(string cycleId, CancellationToken ct = default);
}
