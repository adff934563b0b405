namespace AutoRetrain.Core.Promotion;

/// <summary>The promotion rule's settings (configuration section "Promotion").</summary>
public sealed record PromotionGateOptions
{
    /// <summary>The challenger's mAP must beat the champion's by at least this much (absolute mAP points, 0..1).</summary>
    public double MinMapGain { get; init; } = 0.005;

    /// <summary>A class whose AP falls by more than this (and the fall is real) blocks promotion.</summary>
    public double ClassRegressionTolerance { get; init; } = 0.05;

    /// <summary>The first model has no champion to beat; it must reach this mAP.</summary>
    public double FirstModelMinMap { get; init; } = 0.05;

    public int BootstrapResamples { get; init; } = 1000;
    public double Confidence { get; init; } = 0.95;
    public int Seed { get; init; } = 17;
}
