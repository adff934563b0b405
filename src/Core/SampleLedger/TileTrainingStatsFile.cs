namespace AutoRetrain.Core.SampleLedger;

/// <summary>Reads and writes the trainer's per-tile statistics (JSON lines, see <see cref="TileTrainingStats"/>).</summary>
public static class TileTrainingStatsFile
{
    public static string Write(IEnumerable<TileTrainingStats> stats) => JsonLines.Write(stats);

    /// <summary>Parses every non-blank line; a bad line is refused with its line number.</summary>
    public static IReadOnlyList<TileTrainingStats> Read(string text, string source) =>
        JsonLines.Read<TileTrainingStats>(text, source, Validate);

    private static void Validate(TileTrainingStats stats, string where)
    {
        if (string.IsNullOrWhiteSpace(stats.TileId))
            throw new AutoRetrainException($"{where}: tileId is empty.");
        if (!double.IsFinite(stats.Loss) || stats.Loss < 0)
            throw new AutoRetrainException($"{where}: loss {stats.Loss} of tile {stats.TileId} must be a finite non-negative number.");
        if (stats.TrueClassProbabilities.Any(p => !(p >= 0 && p <= 1)))
            throw new AutoRetrainException($"{where}: tile {stats.TileId} has a true-class probability outside [0, 1].");
    }
}
