namespace AutoRetrain.Core.Statistics;

/// <summary>Objects-per-class counts, added up.</summary>
public static class Counts
{
    public static Dictionary<string, int> Sum(IEnumerable<IReadOnlyDictionary<string, int>> parts)
    {
        var total = new Dictionary<string, int>();
        foreach (var part in parts)
            foreach (var (cls, n) in part)
                total[cls] = total.GetValueOrDefault(cls) + n;
        return total;
    }
}
