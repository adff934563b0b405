using AutoRetrain.Core.Ports;

namespace AutoRetrain.Core.Registry;

/// <summary>
/// The registry's rules: versions are immutable and carry their lineage; a model's class list only appends to its
/// parent's (head channels keep their meaning); the champion moves only by a conditional write, so a promotion
/// decided against a champion that has since changed fails instead of overwriting; rollback returns to the
/// champion before the current one.
/// </summary>
public sealed class ModelRegistry(IModelRegistryStore store)
{
    public async Task<ModelVersion> RegisterAsync(ModelVersion version, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(version.Id))
            throw new AutoRetrainException("Model registry: a model version needs an id.");
        if (version.ParentModelId is { } parentId)
        {
            var parent = await store.GetVersionAsync(parentId, ct)
                ?? throw new AutoRetrainException($"Model registry: model {version.Id} names parent {parentId}, which is not registered.");
            if (version.Classes.Count < parent.Classes.Count || !parent.Classes.SequenceEqual(version.Classes.Take(parent.Classes.Count)))
                throw new AutoRetrainException(
                    $"Model registry: model {version.Id} must keep its parent {parentId}'s classes [{string.Join(", ", parent.Classes)}] " +
                    $"in order and only append; it has [{string.Join(", ", version.Classes)}].");
        }
        if (!await store.TryAddVersionAsync(version, ct))
            throw new AutoRetrainException($"Model registry: model {version.Id} is already registered; versions are immutable.");
        return version;
    }

    public Task<ModelVersion?> GetAsync(string modelId, CancellationToken ct = default) => store.GetVersionAsync(modelId, ct);

    public Task<IReadOnlyList<ModelVersion>> ListAsync(CancellationToken ct = default) => store.ListVersionsAsync(ct);

    public Task<ChampionState> GetChampionAsync(CancellationToken ct = default) => store.GetChampionAsync(ct);

    /// <summary>The chain of parents from this model back to its root, this model first.</summary>
    public async Task<IReadOnlyList<ModelVersion>> LineageAsync(string modelId, CancellationToken ct = default)
    {
        var chain = new List<ModelVersion>();
        for (string? id = modelId; id is not null;)
        {
            var version = await store.GetVersionAsync(id, ct)
                ?? throw new AutoRetrainException($"Model registry: model {id} in the lineage of {modelId} is not registered.");
            if (chain.Any(v => v.Id == version.Id))
                throw new AutoRetrainException($"Model registry: the lineage of {modelId} loops at {id}.");
            chain.Add(version);
            id = version.ParentModelId;
        }
        return chain;
    }

    /// <summary>
    /// Makes <paramref name="modelId"/> the champion if the pointer still has <paramref name="expectedETag"/>
    /// (the ETag read when the cycle compared against the champion; null for the first model).
    /// </summary>
    public async Task<ChampionState> PromoteAsync(string modelId, string? expectedETag, IReadOnlyList<string> reasons,
        DateTimeOffset at, CancellationToken ct = default)
    {
        _ = await store.GetVersionAsync(modelId, ct)
            ?? throw new AutoRetrainException($"Model registry: cannot promote {modelId}; it is not registered.");
        var current = await store.GetChampionAsync(ct);
        if (current.ETag != expectedETag)
            throw Conflict(modelId, current);
        var next = current with
        {
            ModelId = modelId,
            History = [.. current.History, new ChampionEvent(modelId, ChampionAction.Promoted, at, reasons)],
        };
        var etag = await store.TrySetChampionAsync(next, expectedETag, ct) ?? throw Conflict(modelId, await store.GetChampionAsync(ct));
        return next with { ETag = etag };
    }

    /// <summary>
    /// Promotion for a caller that knows the champion's id rather than the pointer's ETag (the cycle recorded which
    /// model it was compared against): fails unless that model is still the champion, then writes conditionally.
    /// </summary>
    public async Task<ChampionState> PromoteIfChampionIsAsync(string modelId, string? expectedChampionId, IReadOnlyList<string> reasons,
        DateTimeOffset at, CancellationToken ct = default)
    {
        var current = await store.GetChampionAsync(ct);
        if (current.ModelId == modelId && current.History.Count > 0 && current.History[^1].Action == ChampionAction.Promoted)
            return current; // a retried activity: the promotion already happened
        if (current.ModelId != expectedChampionId)
            throw Conflict(modelId, current);
        return await PromoteAsync(modelId, current.ETag, reasons, at, ct);
    }

    /// <summary>Returns the champion pointer to the champion before the current one.</summary>
    public async Task<ChampionState> RollbackAsync(string reason, DateTimeOffset at, CancellationToken ct = default)
    {
        var current = await store.GetChampionAsync(ct);
        var reign = current.Reign();
        if (reign.Count < 2)
            throw new AutoRetrainException(current.ModelId is null
                ? "Model registry: there is no champion to roll back."
                : $"Model registry: champion {current.ModelId} has no previous champion to roll back to.");
        var previous = reign[^2];
        var next = current with
        {
            ModelId = previous,
            History = [.. current.History, new ChampionEvent(previous, ChampionAction.RolledBack, at, [$"rollback from {current.ModelId}: {reason}"])],
        };
        var etag = await store.TrySetChampionAsync(next, current.ETag, ct)
            ?? throw new ChampionConflictException($"Model registry: the champion moved during the rollback from {current.ModelId}; read it again and retry.");
        return next with { ETag = etag };
    }

    private static ChampionConflictException Conflict(string modelId, ChampionState now) =>
        new($"Model registry: cannot promote {modelId}: the champion was changed by someone else " +
            $"(now {now.ModelId ?? "none"}, ETag {now.ETag ?? "none"}); this cycle compared against an older champion and must be scored again.");
}
