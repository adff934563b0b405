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

    /// <summary>
    /// On earlier data (the validation tiles the champion was validated on), a mAP fall of more than this that is
    /// real (the upper end of its interval below 0) blocks promotion.
    /// </summary>
    public double EarlierDataTolerance { get; init; } = 0.02;

    /// <summary>Fewer earlier validation tiles than this and the earlier-data check is skipped (said in the reasons).</summary>
    public int EarlierDataMinTiles { get; init; } = 20;

    public int BootstrapResamples { get; init; } = 1000;
    public double Confidence { get; init; } = 0.95;
    public int Seed { get; init; } = 17;
}
