using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Sampling;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The preparation phase: freezes the snapshot and writes each candidate's sample weights, once per cycle (a retried or
/// resumed cycle reads back what it was prepared with).
/// </summary>
public sealed class PreparationStep(IArtifactStore store, ITileLedger ledger, IModelRegistryStore registryStore, ISampleLedgerStore sampleLedger)
{
    private readonly ModelRegistry _registry = new(registryStore);
    private readonly SnapshotService _snapshots = new(store, ledger);

    public async Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct)
    {
        string cycleId = input.Request.CycleId;
        string preparedKey = CycleKeys.Prepared(cycleId);
        // A retried or resumed cycle trains on the data it was prepared with, not on what arrived since.
        if (await store.GetAsync(Containers.Runs, preparedKey, ct) is { } existing)
            return Json.Deserialize<PreparedCycle>(Encoding.UTF8.GetString(existing), preparedKey);

        var (snapshot, snapshotKey) = await _snapshots.FreezeAsync(ct);
        if (!snapshot.Train.Any())
            throw new AutoRetrainException($"cycle {cycleId}: the snapshot has no labelled training tiles.");
        var tiles = (await ledger.ListTilesAsync(ct)).ToDictionary(t => t.Id.Value);
        var champion = input.Request.ChampionModelId is { } id ? await _registry.GetAsync(id, ct) : null;
        var previouslyTrained = champion is null
            ? new HashSet<string>()
            : (await _snapshots.LoadAsync(StoreKeys.Snapshot(champion.SnapshotId), ct)).Train.Select(e => e.TileId).ToHashSet();
        var trainTiles = snapshot.Train.Select(e => new SamplingTile
        {
            TileId = e.TileId,
            ClassCounts = tiles.TryGetValue(e.TileId, out var t) ? t.ClassCounts : new Dictionary<string, int>(),
            IsNew = !previouslyTrained.Contains(e.TileId),
        }).ToList();
        var histories = await sampleLedger.GetAsync(trainTiles.Select(t => t.TileId), ct);

        var weightsKeys = new List<string?>();
        for (int i = 0; i < input.Request.Candidates.Count; i++)
        {
            var config = input.Request.Candidates[i];
            if (config.Sampler == UniformSampling.StrategyName) { weightsKeys.Add(null); continue; }
            var weights = SamplingStrategies.Parse(config.Sampler).Weigh(new SamplingInput
            {
                Tiles = trainTiles, Histories = histories, Epochs = config.Epochs, Seed = config.Seed,
            });
            string key = CycleKeys.SampleWeights(cycleId, CycleKeys.CandidateName(config, i));
            await store.PutAsync(Containers.Runs, key, Encoding.UTF8.GetBytes(SampleWeights.Write(weights)), overwrite: true, ct);
            weightsKeys.Add(key);
        }
        var prepared = new PreparedCycle(snapshot.Id, snapshotKey, snapshot.Train.Count(), snapshot.Validation.Count(), weightsKeys);
        await store.PutAsync(Containers.Runs, preparedKey, Encoding.UTF8.GetBytes(Json.Serialize(prepared)), overwrite: false, ct);
        return prepared;
    }
}
