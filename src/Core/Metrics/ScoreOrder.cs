namespace AutoRetrain.Core.Metrics;

/// <summary>
/// Sort key "highest score first, then earlier position first". Sorting these with the unstable
/// <see cref="Array.Sort{T}(T[])"/> gives exactly the order of a stable sort by descending score,
/// which is what pycocotools (<c>argsort(-score, kind='mergesort')</c>) and the VOC devkit
/// (MATLAB's stable <c>sort(-confidence)</c>) use to break ties.
/// </summary>
internal readonly record struct ScoreOrder(double Score, long Position, int Item) : IComparable<ScoreOrder>
{
    public int CompareTo(ScoreOrder other)
    {
        // Negated scores compared as numpy does: -0.0 and 0.0 are equal.
        double a = -Score, b = -other.Score;
        if (a < b) return -1;
        if (a > b) return 1;
        return Position.CompareTo(other.Position);
    }
}
