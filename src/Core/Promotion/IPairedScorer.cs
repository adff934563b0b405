namespace AutoRetrain.Core.Promotion;

/// <summary>
/// Per-class AP of one model on some multiset of validation tiles; a class without ground truth there is absent
/// or NaN. mAP is the mean over the classes with a finite AP.
/// </summary>
public sealed record ClassScores(IReadOnlyDictionary<string, double> ApPerClass)
{
    public double Map => ApPerClass.Values.Where(double.IsFinite).DefaultIfEmpty(0).Average();
}

/// <summary>Champion and challenger scored on the very same tiles.</summary>
public sealed record PairedScores(ClassScores Champion, ClassScores Challenger);

/// <summary>
/// Scores both models on a multiset of validation tile indices (0..count-1; an index may repeat, as bootstrap
/// resamples do). The real implementation accumulates the detection evaluator's per-image results; it must
/// score the champion and the challenger on identical tiles, which is what makes the bootstrap paired.
/// </summary>
public interface IPairedScorer
{
    /// <summary>Number of validation tiles the indices refer to.</summary>
    int TileCount { get; }

    PairedScores Score(IReadOnlyList<int> tileIndices);
}
