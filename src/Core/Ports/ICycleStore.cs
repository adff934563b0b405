using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Core.Ports;

/// <summary>Every cycle's record, upserted as it moves through its statuses. SQLite locally, Table Storage in Azure.</summary>
public interface ICycleStore
{
    Task UpsertAsync(CycleRecord record, CancellationToken ct = default);

    Task<CycleRecord?> GetAsync(string cycleId, CancellationToken ct = default);

    /// <summary>A project's cycles, oldest first.</summary>
    Task<IReadOnlyList<CycleRecord>> ListAsync(string project, CancellationToken ct = default);

    /// <summary>Appends to the decision log (every retrain/wait decision with its reasons).</summary>
    Task AppendDecisionAsync(DecisionRecord decision, CancellationToken ct = default);

    Task<IReadOnlyList<DecisionRecord>> ListDecisionsAsync(string project, CancellationToken ct = default);
}
