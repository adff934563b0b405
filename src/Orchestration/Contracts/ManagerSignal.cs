using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Orchestration.Contracts;

public enum SignalKind { TilesRegistered, ForceRetrain, Pause, Resume, Configure, Stop }

/// <summary>
/// New labelled tiles reported by ingestion. <see cref="BatchId"/> makes redelivery harmless:
/// the manager counts a batch once.
/// </summary>
public sealed record TilesRegistered(
    string BatchId,
    int NewTiles,
    int NewTrainTiles,
    int NewValidationTiles,
    int Relabelled,
    IReadOnlyDictionary<string, int> NewObjectsPerClass)
{
    /// <summary>The same batch with nothing to count: it wakes a manager whose counts already include it.</summary>
    public TilesRegistered WithoutCounts() => this with
    {
        NewTiles = 0, NewTrainTiles = 0, NewValidationTiles = 0, Relabelled = 0, NewObjectsPerClass = new Dictionary<string, int>(),
    };

    /// <summary>What a set of ingestion outcomes adds up to; only deliveries that changed the ledger count.</summary>
    public static TilesRegistered From(string batchId, IEnumerable<IngestOutcome> outcomes)
    {
        var labelled = outcomes.Select(o => o.NewlyLabelled).OfType<NewlyLabelledTile>().ToList();
        var perClass = new Dictionary<string, int>();
        foreach (var t in labelled)
            foreach (var (cls, n) in t.ClassCounts) perClass[cls] = perClass.GetValueOrDefault(cls) + n;
        var fresh = labelled.Where(t => !t.Relabelled).ToList();
        return new TilesRegistered(batchId, fresh.Count, fresh.Count(t => t.Split == Split.Train),
            fresh.Count(t => t.Split == Split.Validation), labelled.Count - fresh.Count, perClass);
    }
}

/// <summary>
/// Everything the cycle manager receives travels as one external event name, so that signals keep
/// their order and one waiter serves them all.
/// </summary>
public sealed record ManagerSignal(
    SignalKind Kind,
    TilesRegistered? Tiles = null,
    ManagerConfig? Config = null,
    string? Reason = null)
{
    public const string EventName = "signal";
}
