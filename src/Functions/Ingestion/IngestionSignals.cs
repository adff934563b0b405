using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Functions.Ingestion;

/// <summary>What the cycle manager hears of one ingested file.</summary>
public static class IngestionSignals
{
    /// <summary>
    /// A "tiles registered" signal when the delivery made a tile labelled (or changed its labels), else null:
    /// unlabelled tiles, duplicates and quarantined files do not count towards a retrain. The batch id is the file's
    /// name and content hash, so a redelivered event is counted once by the manager.
    /// </summary>
    public static ManagerSignal? For(IngestOutcome outcome, string contentSha256)
    {
        if (outcome.NewlyLabelled is not { } tile) return null;
        bool fresh = !tile.Relabelled;
        var registered = new TilesRegistered(
            BatchId: $"{outcome.SourceName}@{contentSha256[..16]}",
            NewTiles: fresh ? 1 : 0,
            NewTrainTiles: fresh && tile.Split == Split.Train ? 1 : 0,
            NewValidationTiles: fresh && tile.Split == Split.Validation ? 1 : 0,
            Relabelled: fresh ? 0 : 1,
            NewObjectsPerClass: tile.ClassCounts);
        return new ManagerSignal(SignalKind.TilesRegistered, Tiles: registered);
    }
}
