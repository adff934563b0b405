using AutoRetrain.Core.Registry;

namespace AutoRetrain.Core.Ports;

/// <summary>
/// Storage of model versions and of the champion pointer (SQLite locally, Table Storage in Azure). The rules
/// live in <see cref="ModelRegistry"/>; a store only has to keep versions immutable and the champion write conditional.
/// </summary>
public interface IModelRegistryStore
{
    /// <summary>Adds a version; false (and nothing written) when a version with this id exists.</summary>
    Task<bool> TryAddVersionAsync(ModelVersion version, CancellationToken ct = default);

    Task<ModelVersion?> GetVersionAsync(string modelId, CancellationToken ct = default);

    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken ct = default);

    /// <summary>The champion pointer with its current ETag (<see cref="ChampionState.None"/> before the first promotion).</summary>
    Task<ChampionState> GetChampionAsync(CancellationToken ct = default);

    /// <summary>
    /// Replaces the champion pointer only if its stored ETag still equals <paramref name="expectedETag"/>
    /// (null: only if no pointer exists yet). Returns the new ETag, or null when someone else wrote first.
    /// </summary>
    Task<string?> TrySetChampionAsync(ChampionState next, string? expectedETag, CancellationToken ct = default);
}
