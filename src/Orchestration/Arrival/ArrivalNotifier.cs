using System.Text;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Arrival;

/// <summary>
/// "Files arrived → tell the cycle manager", the one path the blob trigger, the folder watcher and the demo share:
/// what a set of ingestion outcomes owes the manager (<see cref="SignalFor"/>, under one batch-id rule,
/// <see cref="BatchIdFor"/>), and its delivery (<see cref="SendAsync"/>: the project's manager is started when it is not
/// running, then signalled).
/// </summary>
/// <param name="manager">The client of the Durable backend the host runs on.</param>
/// <param name="project">The project whose manager hears of the arrivals.</param>
/// <param name="initialState">The state a manager this component starts begins with (read only when it starts one:
/// a host may rebuild it from its stores).</param>
public sealed class ArrivalNotifier(CycleManagerClient manager, string project, Func<CancellationToken, Task<ManagerState>> initialState)
{
    public string Project => project;

    /// <summary>
    /// Tells the manager what <paramref name="outcomes"/> changed; returns the tiles reported, or null when no outcome
    /// made a tile labelled (or changed its labels): then nothing is sent.
    /// </summary>
    public async Task<TilesRegistered?> NotifyAsync(IEnumerable<IngestOutcome> outcomes, CancellationToken ct = default)
    {
        if (SignalFor(outcomes) is not { } signal) return null;
        await SendAsync(signal, ct);
        return signal.Tiles;
    }

    /// <summary>Sends a signal built by <see cref="SignalFor"/> (or kept in an outbox since), starting the manager first when needed.</summary>
    public async Task SendAsync(ManagerSignal signal, CancellationToken ct = default)
    {
        // A manager this call started builds its pending counts from the stores, and the ledger already holds these tiles
        // (ingestion wrote it before the signal): the signal then only wakes it, under the same batch id, without counts.
        if (await EnsureManagerAsync(ct) && signal.Tiles is { } tiles) signal = signal with { Tiles = tiles.WithoutCounts() };
        await manager.SignalAsync(project, signal, ct);
    }

    /// <summary>Starts the project's manager unless it is running; true when this call started it.</summary>
    public async Task<bool> EnsureManagerAsync(CancellationToken ct = default) =>
        !await manager.IsRunningAsync(project, ct) && await manager.EnsureStartedAsync(await initialState(ct), ct);

    /// <summary>
    /// The "tiles registered" signal a set of ingestion outcomes owes the manager, or null when none made a tile labelled
    /// or changed its labels (unlabelled tiles, duplicates, unchanged labels and quarantined files do not count).
    /// </summary>
    public static ManagerSignal? SignalFor(IEnumerable<IngestOutcome> outcomes)
    {
        var list = outcomes as IReadOnlyCollection<IngestOutcome> ?? [.. outcomes];
        var labelled = list.Select(o => o.NewlyLabelled).OfType<NewlyLabelledTile>().ToList();
        return labelled.Count == 0 ? null
            : new ManagerSignal(SignalKind.TilesRegistered, Tiles: TilesRegistered.From(BatchIdFor(labelled), list));
    }

    /// <summary>
    /// The batch id: a hash of the ledger changes the batch reports (each tile with the labels now attached and whether it
    /// was a relabel), in any order. It depends on content only, never on time, scan number, file or folder name, so the
    /// same files reported again (a redelivered event, an outbox re-send, a restarted scan) make the same id, which the
    /// manager counts once (<see cref="ManagerState.RecentBatchIds"/>); a tile relabelled with other labels makes a new one.
    /// </summary>
    public static string BatchIdFor(IEnumerable<NewlyLabelledTile> tiles)
    {
        var lines = tiles.Select(t => $"{t.TileId.Value} {t.LabelHash} {(t.Relabelled ? "relabel" : "new")}")
            .Distinct().Order(StringComparer.Ordinal);
        return "tiles-" + ContentHash.Of(string.Join('\n', lines))[..32];
    }
}
