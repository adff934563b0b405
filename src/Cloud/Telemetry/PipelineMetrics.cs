using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AutoRetrain.Cloud.Telemetry;

/// <summary>
/// The pipeline's health as metrics and traces (meter and activity source <c>AutoRetrain</c>). The names and
/// dimensions are the ones the Application Insights workbook of infra/bicep queries (docs/deploy.md, "Telemetry").
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "AutoRetrain";

    public static readonly ActivitySource Traces = new(MeterName);

    private readonly Meter _meter;

    /// <summary>This instance's meter, for listeners that must not see other instances' measurements (tests).</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _tilesIngested;
    private readonly Counter<long> _tilesQuarantined;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _cycleDuration;
    private readonly Histogram<double> _promotedMap;

    public PipelineMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _tilesIngested = _meter.CreateCounter<long>("autoretrain.tiles.ingested", "{tile}", "New tiles registered in the ledger.");
        _tilesQuarantined = _meter.CreateCounter<long>("autoretrain.tiles.quarantined", "{file}", "Inputs refused into quarantine, by reason.");
        _decisions = _meter.CreateCounter<long>("autoretrain.decisions", "{decision}", "Retrain decisions, by outcome and reason.");
        _cycleDuration = _meter.CreateHistogram<double>("autoretrain.cycle.duration", "s", "Duration of finished training cycles, by status.");
        _promotedMap = _meter.CreateHistogram<double>("autoretrain.model.promoted.map", "1", "mAP@0.5 of each promoted model.");
    }

    public void TileIngested() => _tilesIngested.Add(1);

    public void TileQuarantined(string reason) => _tilesQuarantined.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One point per reason, so the workbook can split decisions by what drove them.</summary>
    public void Decision(bool retrain, IReadOnlyList<string> reasons)
    {
        string decision = retrain ? "Retrain" : "Wait";
        foreach (var reason in reasons.Count > 0 ? reasons : [""])
            _decisions.Add(1, new("decision", decision), new("reason", reason));
    }

    public void CycleFinished(string status, double seconds) => _cycleDuration.Record(seconds, new KeyValuePair<string, object?>("status", status));

    public void ModelPromoted(string modelVersion, double map50) =>
        _promotedMap.Record(map50, new KeyValuePair<string, object?>("model_version", modelVersion));

    public void Dispose() => _meter.Dispose();
}
