namespace AutoRetrain.Core.Sampling;

/// <summary>
/// One tile's entry in the sample-weights file.
/// <para><see cref="Weight"/> is a SAMPLING weight, not a loss weight: the expected number of times the tile
/// is drawn in one epoch. The trainer draws round(Σ weight) tiles per epoch with replacement, tile i with
/// probability weight_i / Σ weight, among the tiles whose <see cref="FromEpoch"/> ≤ the current epoch
/// (0-based). Integer weights can equally be served by repeating the tile weight times (repeat-factor sampling).
/// A weight of 0 leaves the tile out. Per-class LOSS weights are a separate file: <see cref="ClassLossWeights"/>.</para>
/// </summary>
public sealed record TileWeight(string TileId, double Weight, int FromEpoch = 0);

/// <summary>
/// The sample-weights file the trainer reads (<c>sample-weights.jsonl</c> beside the snapshot of a cycle):
/// JSON lines, one tile each, <c>{"tileId":"ab12…","weight":2,"fromEpoch":0}</c>. A tile missing from the file
/// has weight 1 from epoch 0; an absent file means uniform sampling.
/// </summary>
public static class SampleWeights
{
    public static string Write(IEnumerable<TileWeight> weights) => JsonLines.Write(weights);

    public static IReadOnlyList<TileWeight> Read(string text, string source)
    {
        var seen = new HashSet<string>();
        return JsonLines.Read<TileWeight>(text, source, (weight, where) =>
        {
            if (string.IsNullOrWhiteSpace(weight.TileId))
                throw new AutoRetrainException($"{where}: tileId is empty.");
            if (!double.IsFinite(weight.Weight) || weight.Weight < 0)
                throw new AutoRetrainException($"{where}: weight {weight.Weight} of tile {weight.TileId} must be a finite number ≥ 0.");
            if (weight.FromEpoch < 0)
                throw new AutoRetrainException($"{where}: fromEpoch {weight.FromEpoch} of tile {weight.TileId} must be ≥ 0.");
            if (!seen.Add(weight.TileId))
                throw new AutoRetrainException($"{where}: tile {weight.TileId} is listed twice.");
        });
    }
}
