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

    /// <summary>Every value outside its range, keyed as configuration names it (<c>Gate:Confidence</c>); the gate refuses
    /// the first, the CLI lists them all at start-up.</summary>
    public IEnumerable<SettingProblem> Problems()
    {
        static string T(double v) => SettingProblem.Text(v);
        if (BootstrapResamples < 100)
            yield return new("Gate:BootstrapResamples", T(BootstrapResamples), "at least 100 (too few for a percentile interval; 1000 is usual)");
        if (Confidence is not (> 0 and < 1)) yield return new("Gate:Confidence", T(Confidence), "in (0, 1)");
        foreach (var (key, value) in new[]
        {
            ("Gate:MinMapGain", MinMapGain), ("Gate:ClassRegressionTolerance", ClassRegressionTolerance),
            ("Gate:FirstModelMinMap", FirstModelMinMap), ("Gate:EarlierDataTolerance", EarlierDataTolerance),
        })
            if (!(value >= 0 && value <= 1)) yield return new(key, T(value), "in [0, 1] (mAP points)");
        if (EarlierDataMinTiles < 0) yield return new("Gate:EarlierDataMinTiles", T(EarlierDataMinTiles), "0 or more");
    }
}
