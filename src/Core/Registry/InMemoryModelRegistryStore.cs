using AutoRetrain.Core.Ports;

namespace AutoRetrain.Core.Registry;

/// <summary>The registry kept in memory (tests, simulation), with the same conditional write as the real stores.</summary>
public sealed class InMemoryModelRegistryStore : IModelRegistryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelVersion> _versions = new();
    private readonly List<string> _order = [];
    private ChampionState _champion = ChampionState.None;
    private long _writes;

    public Task<bool> TryAddVersionAsync(ModelVersion version, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_versions.TryAdd(version.Id, version))
                return Task.FromResult(false);
            _order.Add(version.Id);
            return Task.FromResult(true);
        }
    }

    public Task<ModelVersion?> GetVersionAsync(string modelId, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_versions.GetValueOrDefault(modelId));
    }

    public Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<ModelVersion>>(_order.Select(id => _versions[id]).ToList());
    }

    public Task<ChampionState> GetChampionAsync(CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_champion);
    }

    public Task<string?> TrySetChampionAsync(ChampionState next, string? expectedETag, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_champion.ETag != expectedETag)
                return Task.FromResult<string?>(null);
            var etag = $"\"{++_writes}\"";
            _champion = next with { ETag = etag };
            return Task.FromResult<string?>(etag);
        }
    }
}
