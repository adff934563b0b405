using AutoRetrain.Core.Ingestion;
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
    public static ManagerSignal? For(IngestOutcome outcome, string contentSha256) =>
        outcome.NewlyLabelled is null ? null
            : new ManagerSignal(SignalKind.TilesRegistered,
                Tiles: TilesRegistered.From($"{outcome.SourceName}@{contentSha256[..16]}", [outcome]));
}
