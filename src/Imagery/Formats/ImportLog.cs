namespace AutoRetrain.Imagery.Formats;

/// <summary>Collects what an import could not take, and the objects it left out on purpose, while it goes on.</summary>
public sealed class ImportLog
{
    private readonly List<ImportProblem> _problems = [];
    private readonly SortedDictionary<string, int> _skipped = new(StringComparer.Ordinal);

    public IReadOnlyList<ImportProblem> Problems => _problems;

    /// <summary>Objects deliberately not imported, by reason (COCO crowd regions, xView ids outside the 60 classes).</summary>
    public IReadOnlyDictionary<string, int> Skipped => _skipped;

    public void Problem(string file, string? where, string message) => _problems.Add(new(file, where, message));

    public void Skip(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
}
