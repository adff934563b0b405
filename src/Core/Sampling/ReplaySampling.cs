namespace AutoRetrain.Core.Sampling;

/// <summary>
/// Replay: train on every new tile plus a stratified sample of the old ones, which cuts a warm-started cycle's
/// time while the old sample guards against forgetting. Old tiles are stratified by their dominant class (most
/// objects; ties by name; tiles without objects form their own stratum) and ⌈share · stratum size⌉ are drawn
/// from each stratum, so a rare class keeps at least one tile. Chosen tiles get weight 1, the rest 0.
/// </summary>
public sealed class ReplaySampling(double oldShare = 0.3) : ISamplingStrategy
{
    public const string StrategyName = "replay";
    private const string NoObjectsStratum = "(no objects)";

    public string Name => StrategyName;

    public double OldShare { get; } = oldShare is > 0 and <= 1
        ? oldShare
        : throw new AutoRetrainException($"Replay sampling: old share {oldShare} must lie in (0, 1].");

    public static string Stratum(SamplingTile tile) =>
        tile.ClassCounts.Where(kv => kv.Value > 0)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key).FirstOrDefault() ?? NoObjectsStratum;

    public IReadOnlyList<TileWeight> Weigh(SamplingInput input)
    {
        var random = new Random(input.Seed);
        var kept = new HashSet<int>(Enumerable.Range(0, input.Tiles.Count).Where(i => input.Tiles[i].IsNew));
        var strata = Enumerable.Range(0, input.Tiles.Count).Where(i => !input.Tiles[i].IsNew)
            .GroupBy(i => Stratum(input.Tiles[i])).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var stratum in strata)
        {
            var members = stratum.ToArray();
            random.Shuffle(members);
            kept.UnionWith(members.Take((int)Math.Ceiling(OldShare * members.Length)));
        }
        return input.Tiles.Select((t, i) => new TileWeight(t.TileId, kept.Contains(i) ? 1 : 0)).ToList();
    }
}
