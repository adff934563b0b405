using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Orchestration.Recovery;

/// <summary>
/// The cycle manager's state rebuilt from the stores, which are the source of truth: the champion from the
/// registry, the cycle count, last start and recent outcomes from the cycle store, as pending the labelled tiles no
/// cycle has frozen into a snapshot yet, and an interrupted cycle to run again under its own id. Both hosts use it:
/// the manager runs it (as an activity) at the start of every instance whose state was not recovered yet, so a
/// manager that was restarted, deleted or started blank by the first blob event never begins from zero.
/// </summary>
public sealed class ManagerStateRecovery(IArtifactStore store, ITileLedger ledger, ICycleStore cycles, IModelRegistryStore registry)
{
    public async Task<ManagerState> RecoverAsync(ManagerState seed, CancellationToken ct = default)
    {
        var champion = await registry.GetChampionAsync(ct);
        var history = await cycles.ListAsync(seed.Project, ct);
        var tiles = await ledger.ListTilesAsync(ct);
        var snapshots = new SnapshotService(store, ledger);
        var frozen = new HashSet<string>();
        foreach (var c in history.Where(c => c.SnapshotId is not null))
            if (await store.ExistsAsync(Containers.Datasets, StoreKeys.Snapshot(c.SnapshotId!), ct))
                foreach (var e in (await snapshots.LoadAsync(StoreKeys.Snapshot(c.SnapshotId!), ct)).Entries)
                    frozen.Add(e.TileId);

        var pending = new PendingCounts();
        var unseen = tiles.Where(t => t.LabelState == LabelState.Labelled && !frozen.Contains(t.Id.Value)).ToList();
        if (unseen.Count > 0)
        {
            var perClass = new Dictionary<string, int>();
            foreach (var t in unseen)
                foreach (var (cls, n) in t.ClassCounts) perClass[cls] = perClass.GetValueOrDefault(cls) + n;
            pending = pending.Add(new TilesRegistered("recovered", unseen.Count,
                unseen.Count(t => t.Split == Split.Train), unseen.Count(t => t.Split == Split.Validation), 0, perClass));
        }

        CycleRequest? resume = null;
        if (history.LastOrDefault(c => !c.IsFinished) is { } interrupted
            && await store.GetAsync(Containers.Runs, CycleKeys.Request(interrupted.Id), ct) is { } request)
            resume = Json.Deserialize<CycleRequest>(Encoding.UTF8.GetString(request), interrupted.Id) with { Config = seed.Config };

        var recent = history.Where(c => c.IsFinished).TakeLast(Math.Max(0, seed.Config.RecentCyclesKept))
            .Select(c => new CycleSummary(c.Id, c.Status.ToString(), c.StartedAt, c.EndedAt ?? c.StartedAt,
                c.Status == CycleStatus.Failed ? [c.FailureCause ?? "unknown failure"] : c.DecisionReasons,
                c.Metrics.TryGetValue(CycleStepsOptions.MainMetric, out double map) ? map : null,
                c.Status == CycleStatus.Promoted ? c.CandidateModelId : c.BaseModelId))
            .ToList();
        return seed with
        {
            ChampionModelId = champion.ModelId ?? seed.ChampionModelId,
            CyclesStarted = Math.Max(seed.CyclesStarted, history.Count),
            LastCycleAt = history.Count > 0 ? history.Max(c => c.StartedAt) : seed.LastCycleAt,
            Pending = pending,
            RecentCycles = recent,
            ResumeCycle = resume ?? seed.ResumeCycle,
            Recovered = true,
        };
    }
}
