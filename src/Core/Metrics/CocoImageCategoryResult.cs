namespace AutoRetrain.Core.Metrics;

/// <summary>
/// evaluateImg's output for one (image, category), for all area ranges and IoU thresholds:
/// scores of the kept detections (best first, at most maxDets[-1]), each one's outcome, and the
/// number of ground-truth objects that are not ignored.
/// </summary>
internal sealed class CocoImageCategoryResult(double[] scores, byte[] outcomes, int[] positives)
{
    public const byte FalsePositive = 0, TruePositive = 1, Ignored = 2;

    public double[] Scores { get; } = scores;

    /// <summary>Outcome of detection d at area range a and threshold t: index (a * T + t) * D + d.</summary>
    public byte[] Outcomes { get; } = outcomes;

    /// <summary>Non-ignored ground truth per area range.</summary>
    public int[] Positives { get; } = positives;
}
