using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Promotion;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>How a project's cycles decide, train and promote (configuration of <see cref="CycleSteps"/>).</summary>
public sealed record CycleStepsOptions
{
    public RetrainPolicyOptions Policy { get; init; } = new();
    public PromotionGateOptions Gate { get; init; } = new();

    /// <summary>Training settings every candidate starts from; the sampler is chosen per candidate.</summary>
    public TrainingConfig Training { get; init; } = new();

    /// <summary>Candidates trained in parallel per cycle, each with a different sampling strategy.</summary>
    public int Candidates { get; init; } = 1;

    /// <summary>Sampling strategies the strategy choice picks from (names as in <c>SamplingStrategies</c>).</summary>
    public IReadOnlyList<string> Strategies { get; init; } = ["repeat-factor", "uniform", "repeat-factor*active-bias"];

    /// <summary>Performance drift is measured once at least this many labelled tiles are new to the champion.</summary>
    public int DriftMinTiles { get; init; } = 20;

    /// <summary>At most this many of the newest such tiles are scored for drift at each decision.</summary>
    public int DriftMaxTiles { get; init; } = 500;

    /// <summary>Bootstrap resamples of the drift interval (each re-accumulates the per-image evaluations).</summary>
    public int DriftBootstrapResamples { get; init; } = 500;

    /// <summary>MLflow experiment name.</summary>
    public string Experiment { get; init; } = "autoretrain";

    /// <summary>Metric the report and the tracker call the main one.</summary>
    public const string MainMetric = "mAP50";
}
