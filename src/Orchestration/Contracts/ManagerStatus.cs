using System.Text;
using AutoRetrain.Core;

namespace AutoRetrain.Orchestration.Contracts;

/// <summary>
/// The manager's custom status: what the status API and `autoretrain status` show. Durable Functions keeps a custom
/// status of at most 16 KB of JSON, so <see cref="From"/> bounds it: long reasons are shortened, then the oldest
/// cycles are left out (the cycle store keeps them all).
/// </summary>
public sealed record ManagerStatus(
    string Project,
    bool Paused,
    bool Stopped,
    string? RunningCycle,
    PendingCounts Pending,
    int CyclesStarted,
    string? ChampionModelId,
    string? LastDecision,
    IReadOnlyList<string> LastDecisionReasons,
    long SignalsReceived,
    int Generation,
    IReadOnlyList<CycleSummary> RecentCycles,
    int DecisionFailures = 0,
    string? Version = null)
{
    /// <summary>Durable's documented limit on the serialized custom status.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>What the bound aims at, leaving room for the envelope the backend adds.</summary>
    public const int TargetBytes = 15 * 1024;

    private const int MaxReasonChars = 300;
    private const int MaxReasons = 10;

    public static ManagerStatus From(ManagerState s, string? running)
    {
        var status = new ManagerStatus(s.Project, s.Paused, false, running, s.Pending, s.CyclesStarted, s.ChampionModelId,
            s.LastDecision, s.LastDecisionReasons, s.SignalsReceived, s.Generation, s.RecentCycles, s.DecisionFailures, s.Version);
        if (status.Size() <= TargetBytes) return status;

        status = status with
        {
            LastDecisionReasons = Shorten(status.LastDecisionReasons),
            RecentCycles = status.RecentCycles.Select(c => c with { Reasons = Shorten(c.Reasons) }).ToList(),
            Pending = status.Pending with
            {
                NewObjectsPerClass = Largest(status.Pending.NewObjectsPerClass),
                LatestObjectsPerClass = Largest(status.Pending.LatestObjectsPerClass),
            },
        };
        while (status.Size() > TargetBytes && status.RecentCycles.Count > 0)
            status = status with { RecentCycles = status.RecentCycles.Skip(1).ToList() };
        return status;
    }

    public int Size() => Encoding.UTF8.GetByteCount(Json.Serialize(this, indented: false));

    private static List<string> Shorten(IReadOnlyList<string> reasons)
    {
        var kept = reasons.Take(MaxReasons).Select(r => r.Length <= MaxReasonChars ? r : r[..(MaxReasonChars - 1)] + "…").ToList();
        if (reasons.Count > MaxReasons) kept.Add($"… and {reasons.Count - MaxReasons} more");
        return kept;
    }

    /// <summary>The 50 classes with the most objects: a class set of thousands would otherwise fill the status alone.</summary>
    private static Dictionary<string, int> Largest(IReadOnlyDictionary<string, int> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(50).ToDictionary();
}
