using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Orchestration.Api;

// The API's response shapes. Changing a name here changes the public API: add fields, never rename or remove.

/// <summary><c>GET /api/status</c>.</summary>
public sealed record StatusResponse(string Project, ManagerView Manager, TileCounts Tiles, RunningCycleView? RunningCycle);

/// <summary>The cycle manager as its orchestration reports it; <c>State</c> is <c>notStarted</c> before the first signal.</summary>
public sealed record ManagerView(
    string State,
    bool Paused,
    int CyclesStarted,
    long SignalsReceived,
    string? ChampionModelId,
    string? LastDecision,
    IReadOnlyList<string> LastDecisionReasons,
    PendingCounts Pending);

public sealed record TileCounts(int Total, int Labelled, int Unlabelled, int PendingLabels, int Quarantined,
    IReadOnlyDictionary<string, int> QuarantinedByCode);

/// <summary>Progress of the running cycle: its status (preparing, training, scoring) and time spent per phase.</summary>
public sealed record RunningCycleView(string Id, string Status, DateTimeOffset? StartedAt, double? ElapsedSeconds,
    IReadOnlyList<string> TriggerReasons, IReadOnlyDictionary<string, double> PhaseSeconds);

/// <summary><c>GET /api/cycles</c>.</summary>
public sealed record CyclesResponse(string Project, IReadOnlyList<CycleSummaryView> Cycles);

public sealed record CycleSummaryView(string Id, CycleStatus Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<string> TriggerReasons, IReadOnlyList<string> DecisionReasons, string? CandidateModelId, double? Map50)
{
    public static CycleSummaryView Of(CycleRecord r) => new(r.Id, r.Status, r.StartedAt, r.EndedAt, r.TriggerReasons,
        r.DecisionReasons, r.CandidateModelId, r.Metrics.TryGetValue("mAP50", out double map) ? map : null);
}

/// <summary><c>GET /api/models</c>.</summary>
public sealed record ModelsResponse(string? ChampionModelId, IReadOnlyList<ChampionEvent> ChampionHistory, IReadOnlyList<ModelVersion> Versions);

/// <summary><c>GET /api/quarantine</c>.</summary>
public sealed record QuarantineResponse(int Count, IReadOnlyDictionary<string, int> ByCode, IReadOnlyList<QuarantineEntry> Entries);

/// <summary><c>POST /api/retrain|pause|resume</c>: the command was handed to the cycle manager.</summary>
public sealed record CommandAccepted(string Project, string Command, string? Reason);

/// <summary>
/// <c>GET /api/tiles/to-label</c>: the champion's stored ranking (<paramref name="RankedAt"/> null and a <paramref name="Reason"/>
/// when none is stored yet); <paramref name="LabelledSinceRanking"/> counts the ranked tiles passed over because they were
/// labelled after the ranking was computed.
/// </summary>
public sealed record TilesToLabelResponse(string ModelId, DateTimeOffset? RankedAt, int UnlabelledTiles, int Scored,
    int LabelledSinceRanking, IReadOnlyList<TileToLabel> Tiles, string? Reason);

public sealed record TileToLabel(string TileId, string SourceName, string ImageKey, double Uncertainty, int Detections);

/// <summary>Optional body of <c>POST /api/retrain</c> (and pause/resume): why, for the decision log.</summary>
public sealed record CommandRequest(string? Reason);
