using System.Globalization;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Orchestration.Api;

/// <summary>
/// What each route of the HTTP API answers, over the ports: one place for both hosts (the Functions app's HTTP
/// triggers and <c>autoretrain serve</c>'s minimal API). Hosts check the caller, read the route's inputs and write
/// the <see cref="ApiAnswer"/>. Each route takes only the ports it reads; a null manager means none is reachable
/// from this process.
/// </summary>
public static class ProjectApi
{
    public const int DefaultToLabelLimit = 20, MaxToLabelLimit = 500, MaxReasonLength = 500;

    /// <summary><c>GET /api/status</c>: counts, pending tiles, the last decision and its reasons, the running cycle's progress.</summary>
    public static async Task<ApiAnswer> StatusAsync(string project, CycleManagerClient? manager, ITileLedger ledger, ICycleStore cycles,
        IClock clock, CancellationToken ct)
    {
        var runtime = manager is null ? null : await manager.GetRuntimeStatusAsync(project, ct);
        var status = runtime is null ? null : await manager!.GetStatusAsync(project, ct);
        var counts = await ledger.GetCountsAsync(ct);

        RunningCycleView? running = null;
        if (status?.RunningCycle is { } cycleId)
        {
            var record = await cycles.GetAsync(cycleId, ct);
            running = record is null
                ? new RunningCycleView(cycleId, "starting", null, null, [], new Dictionary<string, double>())
                : new RunningCycleView(cycleId, record.Status.ToString(), record.StartedAt, (clock.UtcNow - record.StartedAt).TotalSeconds,
                    record.TriggerReasons, record.DurationsSeconds);
        }

        var view = new ManagerView(
            State: StateOf(runtime, status),
            Paused: status?.Paused ?? false,
            CyclesStarted: status?.CyclesStarted ?? 0,
            SignalsReceived: status?.SignalsReceived ?? 0,
            ChampionModelId: status?.ChampionModelId,
            LastDecision: status?.LastDecision,
            LastDecisionReasons: status?.LastDecisionReasons ?? [],
            Pending: status?.Pending ?? new PendingCounts());
        var tiles = new TileCounts(counts.Tiles, counts.Labelled, counts.Tiles - counts.Labelled, counts.PendingLabels,
            counts.Quarantined, counts.QuarantinedByCode);
        return ApiAnswer.Success(new StatusResponse(project, view, tiles, running));
    }

    private static string StateOf(OrchestrationRuntimeStatus? runtime, ManagerStatus? status) => runtime switch
    {
        null => "notStarted",
        _ when status?.Stopped == true => "stopped",
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending => status?.Paused == true ? "paused" : "running",
        { } other => other.ToString().ToLowerInvariant(),
    };

    /// <summary><c>GET /api/cycles</c>: every cycle of the project, oldest first.</summary>
    public static async Task<ApiAnswer> CyclesAsync(string project, ICycleStore cycles, CancellationToken ct) =>
        ApiAnswer.Success(new CyclesResponse(project, [.. (await cycles.ListAsync(project, ct)).Select(CycleSummaryView.Of)]));

    /// <summary><c>GET /api/cycles/{cycleId}</c>: one full record.</summary>
    public static async Task<ApiAnswer> CycleAsync(string project, ICycleStore cycles, string cycleId, CancellationToken ct)
    {
        var record = await cycles.GetAsync(cycleId, ct);
        return record is null || record.Project != project
            ? ApiAnswer.Error(ApiAnswer.NotFound, "cycleNotFound", $"project {project} has no cycle \"{cycleId}\"; GET /api/cycles lists them.")
            : ApiAnswer.Success(record);
    }

    /// <summary><c>GET /api/models</c>: the champion, how the pointer moved, every version with lineage and metrics.</summary>
    public static async Task<ApiAnswer> ModelsAsync(IModelRegistryStore registry, CancellationToken ct)
    {
        var champion = await registry.GetChampionAsync(ct);
        var versions = await registry.ListVersionsAsync(ct);
        return ApiAnswer.Success(new ModelsResponse(champion.ModelId, champion.History, versions));
    }

    /// <summary><c>GET /api/quarantine[?reasonCode=...]</c>: refused inputs with their reasons, oldest first.</summary>
    public static async Task<ApiAnswer> QuarantineAsync(ITileLedger ledger, string? reasonCode, CancellationToken ct)
    {
        var entries = await ledger.ListQuarantineAsync(ct);
        var byCode = entries.GroupBy(e => e.Code).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var shown = string.IsNullOrEmpty(reasonCode) ? entries : [.. entries.Where(e => e.Code == reasonCode)];
        return ApiAnswer.Success(new QuarantineResponse(entries.Count, byCode, shown));
    }

    /// <summary>
    /// <c>GET /api/tiles/to-label[?limit=20]</c>: the unlabelled tiles ranked by the champion's uncertainty, as computed
    /// once after its promotion (<see cref="LabelRankingStep"/>) and stored; tiles labelled since are left out. Nothing is
    /// scored here: without a stored ranking for the champion the answer is an empty list with the reason.
    /// </summary>
    public static async Task<ApiAnswer> TilesToLabelAsync(ITileLedger ledger, IModelRegistryStore registry, IArtifactStore store,
        string? limitText, CancellationToken ct)
    {
        int limit = DefaultToLabelLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxToLabelLimit))
            return ApiAnswer.Error(ApiAnswer.BadRequest, "invalidLimit", $"limit must be a whole number from 1 to {MaxToLabelLimit}; got \"{limitText}\".");

        var champion = await registry.GetChampionAsync(ct);
        if (champion.ModelId is not { } modelId)
            return ApiAnswer.Error(ApiAnswer.Conflict, "noChampion",
                "tiles are ranked by the champion model's uncertainty, and no model has been promoted yet.");
        var counts = await ledger.GetCountsAsync(ct);
        int unlabelled = counts.Tiles - counts.Labelled;
        if (await LabelRankingStep.ReadAsync(store, modelId, ct) is not { } ranking)
            return ApiAnswer.Success(new TilesToLabelResponse(modelId, null, unlabelled, 0, 0, [],
                $"no ranking is stored for champion {modelId} yet: tiles are ranked once after each promotion, so the next promotion computes it."));

        var tiles = new List<TileToLabel>(limit);
        int labelledSince = 0;
        foreach (var tile in ranking.Tiles)
        {
            if (tiles.Count == limit) break;
            if (await ledger.GetTileAsync(new TileId(tile.TileId), ct) is { LabelState: LabelState.Unlabelled }) tiles.Add(tile);
            else labelledSince++;
        }
        return ApiAnswer.Success(new TilesToLabelResponse(modelId, ranking.ComputedAt, unlabelled, ranking.Scored, labelledSince, tiles, null));
    }

    /// <summary>
    /// <c>POST /api/retrain|pause|resume</c> with an optional body <c>{"reason": "..."}</c>: the command goes to the
    /// project's cycle manager as a signal (the same path <c>watch</c> and the demo use); 202 once it is handed over.
    /// <paramref name="ensureStarted"/> starts the manager first where the host may find none running.
    /// </summary>
    public static async Task<ApiAnswer> CommandAsync(string project, CycleManagerClient? manager, SignalKind kind, string body, string via,
        Func<CancellationToken, Task>? ensureStarted, CancellationToken ct)
    {
        string command = kind switch
        {
            SignalKind.ForceRetrain => "retrain",
            SignalKind.Pause => "pause",
            SignalKind.Resume => "resume",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "the API sends retrain, pause and resume only"),
        };
        string? reason;
        try
        {
            reason = ReadReason(body);
        }
        catch (AutoRetrainException ex)
        {
            return ApiAnswer.Error(ApiAnswer.BadRequest, "invalidBody", ex.Message);
        }
        if (manager is null)
            return ApiAnswer.Error(ApiAnswer.ServiceUnavailable, "noManager",
                "no cycle manager runs in this process (read-only), so it cannot take commands.");
        if (ensureStarted is not null) await ensureStarted(ct);
        await manager.SignalAsync(project, new ManagerSignal(kind, Reason: reason ?? $"{command} requested through {via}"), ct);
        return ApiAnswer.Success(new CommandAccepted(project, command, reason), ApiAnswer.Accepted);
    }

    /// <summary>The body is optional; when present it must be a JSON object whose <c>reason</c> is a string of at most 500 characters.</summary>
    public static string? ReadReason(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        CommandRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<CommandRequest>(text, Json.Options);
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException($"the body is not the JSON object {{\"reason\": \"...\"}}: {ex.Message}");
        }
        if (body?.Reason is { Length: > MaxReasonLength })
            throw new AutoRetrainException($"\"reason\" has {body.Reason.Length} characters; at most {MaxReasonLength} are kept.");
        return string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();
    }
}
