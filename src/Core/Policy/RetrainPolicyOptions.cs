namespace AutoRetrain.Core.Policy;

public enum ShiftMetric { JensenShannon, TotalVariation }

/// <summary>
/// Thresholds of the retrain policy (configuration section "Policy"). A null threshold switches its signal off.
/// </summary>
public sealed record RetrainPolicyOptions
{
    /// <summary>The first model is trained once this many labelled tiles exist.</summary>
    public int MinInitialLabelledTiles { get; init; } = 20;

    /// <summary>Retrain when this many labelled tiles arrived since the last cycle.</summary>
    public int? NewTilesThreshold { get; init; } = 200;

    /// <summary>Retrain when the new labelled tiles reach this fraction of the training set.</summary>
    public double? NewTileFractionThreshold { get; init; } = 0.25;

    /// <summary>A class holding at most this share of the training objects counts as rare.</summary>
    public double RareClassMaxShare { get; init; } = 0.05;

    /// <summary>Retrain when a rare class gained this many new objects …</summary>
    public int? RareClassNewObjects { get; init; } = 30;

    /// <summary>… which are also at least this fraction of the objects of that class already trained on (1: the class doubled).</summary>
    public double RareClassMinGrowth { get; init; } = 1.0;

    public ShiftMetric ShiftMetric { get; init; } = ShiftMetric.JensenShannon;

    /// <summary>Retrain when the class distribution of the new labels is this far from the training labels
    /// (and from the new labels the previous cycle already answered).</summary>
    public double? ShiftThreshold { get; init; } = 0.1;

    /// <summary>Fewer new objects than this make a distribution too noisy to call a shift.</summary>
    public int MinObjectsForShift { get; init; } = 50;

    /// <summary>Retrain when a class appears that the training set never had.</summary>
    public bool RetrainOnNewClass { get; init; } = true;

    /// <summary>Retrain when the champion's AP on the new tiles is below its validation AP by this much
    /// (and the bootstrap interval of the drop is above 0).</summary>
    public double? PerformanceDropDelta { get; init; } = 0.05;

    /// <summary>Retrain when the last cycle is this old and anything new arrived since.</summary>
    public TimeSpan? MaxStaleness { get; init; } = TimeSpan.FromDays(14);

    /// <summary>No cycle starts sooner than this after the previous one (debounces bursts of arrivals).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromHours(6);

    /// <summary>At most this many GPU-hours of training in any <see cref="BudgetWindow"/>.</summary>
    public double? GpuHoursPerWindow { get; init; } = 24;

    public TimeSpan BudgetWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How soon to ask again after a Wait that no deadline shortens.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromHours(1);
}
