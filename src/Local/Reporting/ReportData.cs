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

    /// <summary>The champion scored on a fixed holdout after each cycle, where the workspace has one (the demo's); else empty.</summary>
    public IReadOnlyList<HoldoutScore> Holdout { get; init; } = [];

    /// <summary>Each cycle's training curves (its trainer's epochs.jsonl), by cycle id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<EpochPoint>> Epochs { get; init; } = new Dictionary<string, IReadOnlyList<EpochPoint>>();

    /// <summary>Where each cycle's MLflow run and model folder are, relative to the report, by cycle id.</summary>
    public IReadOnlyDictionary<string, CycleLinks> Links { get; init; } = new Dictionary<string, CycleLinks>();

    /// <summary>A few validation tiles with their labelled boxes and the boxes of the champion and the last rejected candidate.</summary>
    public IReadOnlyList<SampleTile> Samples { get; init; } = [];
}

/// <summary>One tile drawn in the report: the image (a data URI), its labelled boxes, and each model's predictions.</summary>
public sealed record SampleTile(string TileId, string ImageDataUri, int Width, int Height, IReadOnlyList<Core.Labels.LabelObject> Truth,
    IReadOnlyList<SamplePredictions> Models);

/// <summary>What one model (its role: champion, or rejected candidate) predicted on a sample tile.</summary>
public sealed record SamplePredictions(string Role, string ModelId, IReadOnlyList<Core.Ports.PredictedObject> Objects);

/// <summary>The champion's fixed-holdout mAP50 (and AP50 per class) after a cycle.</summary>
public sealed record HoldoutScore(string CycleId, double Map50, IReadOnlyDictionary<string, double> PerClassAp50);

/// <summary>One epoch of a cycle's training: its mean loss and validation mAP50.</summary>
public sealed record EpochPoint(int Epoch, double Loss, double? ValMap50);

/// <summary>Relative links of a cycle: its MLflow run folder and its model's artefact folder (null when absent).</summary>
public sealed record CycleLinks(string? MlflowRun, string? ModelFolder);
