using AutoRetrain.Core;
namespace AutoRetrain.Synthetic;

/// <summary>Settings of the synthetic overhead imagery generator. Equal options and index give equal bytes.</summary>
public sealed record GeneratorOptions
{
    public int Seed { get; init; }

    /// <summary>Tile width and height in pixels. Object sizes are fixed in pixels (≈ 0.5 m per pixel).</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>Power-law exponent of the class frequencies (see <see cref="ClassMix"/>).</summary>
    public double LongTailExponent { get; init; } = ClassMix.DefaultExponent;

    /// <summary>Object groups drawn per tile (each group is 1 to a few objects of one class, see <see cref="SyntheticClass"/>).</summary>
    public int MinGroups { get; init; } = 3;
    public int MaxGroups { get; init; } = 9;

    public Season Season { get; init; } = Season.Summer;

    /// <summary>File stem prefix: tile 12 is <c>tile-000012</c>.</summary>
    public string NamePrefix { get; init; } = "tile";

    public void Validate()
    {
        if (TileSize is < 64 or > 4096)
            throw new AutoRetrainException($"the tile size must be 64–4096 pixels, got {TileSize}.");
        if (MinGroups < 0 || MaxGroups < MinGroups)
            throw new AutoRetrainException($"object groups per tile must satisfy 0 ≤ min ≤ max, got {MinGroups}–{MaxGroups}.");
        if (string.IsNullOrWhiteSpace(NamePrefix) || NamePrefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new AutoRetrainException($"the name prefix \"{NamePrefix}\" is not a valid file name.");
    }
}

/// <summary>What the world looks like when a tile is taken: which classes occur how often, and the season.</summary>
public sealed record TileConditions(ClassMix Mix, Season Season);
