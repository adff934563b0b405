using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Local.Reporting;

/// <summary>Everything the HTML report shows; gathered from the ledger, the cycle store and the registry.</summary>
public sealed record ReportData
{
    public required string Project { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public IReadOnlyList<CycleRecord> Cycles { get; init; } = [];
    public IReadOnlyList<DecisionRecord> Decisions { get; init; } = [];

    /// <summary>Objects per class in the labelled data.</summary>
    public IReadOnlyDictionary<string, int> ClassHistogram { get; init; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, int> QuarantineByCode { get; init; } = new Dictionary<string, int>();
    public int Tiles { get; init; }
    public int LabelledTiles { get; init; }
    public string? ChampionModelId { get; init; }

    /// <summary>Name of the overall metric plotted (e.g. "mAP50").</summary>
    public string MainMetric { get; init; } = "mAP50";

    /// <summary>Prefix of the per-class metrics in a cycle's metrics (e.g. "AP50/" for "AP50/plane").</summary>
    public string PerClassPrefix { get; init; } = "AP50/";
}
