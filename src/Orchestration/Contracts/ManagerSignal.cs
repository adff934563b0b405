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
    IReadOnlyDictionary<string, int> NewObjectsPerClass);

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
