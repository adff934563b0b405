using System.Collections.Concurrent;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Core.SampleLedger;

/// <summary>The sample ledger kept in memory: tests and the policy simulation.</summary>
public sealed class InMemorySampleLedgerStore : ISampleLedgerStore
{
    private readonly ConcurrentDictionary<string, TileHistory> _histories = new();
    private readonly ConcurrentDictionary<string, bool> _mergedCycles = new();

    public Task<IReadOnlyDictionary<string, TileHistory>> GetAsync(IEnumerable<string> tileIds, CancellationToken ct = default)
    {
        var found = new Dictionary<string, TileHistory>();
        foreach (var id in tileIds)
            if (_histories.TryGetValue(id, out var history))
                found[id] = history;
        return Task.FromResult<IReadOnlyDictionary<string, TileHistory>>(found);
    }

    public Task PutAsync(IEnumerable<TileHistory> histories, CancellationToken ct = default)
    {
        foreach (var history in histories)
            _histories[history.TileId] = history;
        return Task.CompletedTask;
    }

    public Task<bool> IsCycleMergedAsync(string cycleId, CancellationToken ct = default) =>
        Task.FromResult(_mergedCycles.ContainsKey(cycleId));

    public Task MarkCycleMergedAsync(string cycleId, CancellationToken ct = default)
    {
        _mergedCycles[cycleId] = true;
        return Task.CompletedTask;
    }
}
