using AutoRetrain.Core.Synthetic;
using AutoRetrain.Detector.Data;

namespace AutoRetrain.Detector.Bench;

/// <summary>Training and held-out validation tiles from the synthetic overhead-imagery generator (different index ranges).</summary>
internal static class BenchData
{
    public static (List<LabelledTile> Train, List<LabelledTile> Validation) Generate(int seed, int train, int validation, int size)
    {
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = seed, TileSize = size });
        LabelledTile Make(int index)
        {
            var tile = generator.Generate(index);
            return new LabelledTile(tile.Name, "synthetic", tile.Width, tile.Height, tile.Rgb8, tile.Labels.Objects);
        }
        var all = Enumerable.Range(0, train + validation).AsParallel().AsOrdered().Select(Make).ToList();
        return (all.Take(train).ToList(), all.Skip(train).ToList());
    }
}
