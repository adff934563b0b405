namespace AutoRetrain.Synthetic;

/// <summary>
/// The random source of one tile. Seeded by mixing the generator seed with the tile's identity
/// (SplitMix64), never with <see cref="HashCode"/>, whose values change from process to process.
/// </summary>
internal sealed class SceneRandom(int seed)
{
    private readonly Random _random = new(seed);

    public static int SeedFor(int generatorSeed, params int[] parts)
    {
        // Mixing the seed before each part keeps (seed, index) pairs apart: a plain XOR would give
        // seed 12 / tile 1 and seed 13 / tile 0 the same stream.
        ulong state = Mix((ulong)(uint)generatorSeed);
        foreach (int part in parts) state = Mix(state ^ Mix((ulong)(uint)part + 0x632B_E59B_D9B4_E019));
        return (int)(Mix(state) & 0x7FFF_FFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    public float Range(float min, float max) => min + (float)_random.NextDouble() * (max - min);

    public int Int(int min, int maxExclusive) => _random.Next(min, maxExclusive);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public double Unit() => _random.NextDouble();

    public float Angle() => Range(0, MathF.Tau);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>Standard normal (Box–Muller).</summary>
    public float Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>An index drawn with probability proportional to its weight.</summary>
    public int Weighted(IReadOnlyList<double> weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double target = _random.NextDouble() * total;
        for (int i = 0; i < weights.Count; i++)
        {
            target -= weights[i];
            if (target < 0 && weights[i] > 0) return i;
        }
        for (int i = weights.Count - 1; i >= 0; i--)
            if (weights[i] > 0) return i;
        throw new InvalidOperationException("every weight is zero.");
    }
}
