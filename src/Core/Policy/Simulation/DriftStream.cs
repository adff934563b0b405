using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Policy.Simulation;

public enum DriftKind { ClassBecomesCommon, NewClass }

/// <summary>From <see cref="Batch"/> on, <see cref="Class"/> makes up <see cref="Share"/> of the objects that arrive.</summary>
public sealed record DriftEvent(int Batch, DriftKind Kind, string Class, double Share);

/// <summary>One arriving batch, as counts only: objects per class of each labelled tile.</summary>
public sealed record SimulatedBatch(int Index, DateTimeOffset At, IReadOnlyList<IReadOnlyDictionary<string, int>> Tiles)
{
    public IReadOnlyDictionary<string, int> ClassCounts => Counts.Sum(Tiles);
}

/// <summary>Settings of the generated stream of labelled batches.</summary>
public sealed record DriftStreamOptions
{
    public required int Batches { get; init; }
    public int Seed { get; init; } = 1;
    public int TilesPerBatch { get; init; } = 40;
    public int MeanObjectsPerTile { get; init; } = 5;
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromHours(12);
    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The class mix before any drift; "helicopter" starts rare.</summary>
    public IReadOnlyDictionary<string, double> BaseMix { get; init; } = new Dictionary<string, double>
    {
        ["plane"] = 0.35, ["ship"] = 0.3, ["vehicle"] = 0.3, ["storage-tank"] = 0.04, ["helicopter"] = 0.01,
    };

    /// <summary>Drift events; null gives the default two: a rare class becoming common at a third of the
    /// stream, a new class appearing at two thirds.</summary>
    public IReadOnlyList<DriftEvent>? Events { get; init; }

    public IReadOnlyList<DriftEvent> EventsOrDefault => Events ??
    [
        new DriftEvent(Math.Max(1, Batches / 3), DriftKind.ClassBecomesCommon, "helicopter", 0.3),
        new DriftEvent(Math.Max(2, 2 * Batches / 3), DriftKind.NewClass, "wind-turbine", 0.15),
    ];
}

/// <summary>
/// Generates the stream: each batch has ±25 % of the nominal tile count, each tile 1 to 2·mean−1 objects, each
/// object's class drawn from the mix in force (the base mix, reshaped by the drift events that have started:
/// a drifting class takes its share and the others shrink in proportion). Seeded: the same options give the same stream.
/// </summary>
public static class DriftStream
{
    public static IReadOnlyList<SimulatedBatch> Generate(DriftStreamOptions options)
    {
        if (options.Batches < 1)
            throw new AutoRetrainException($"Policy simulation: {options.Batches} batches; at least one is needed.");
        var random = new Random(options.Seed);
        var batches = new List<SimulatedBatch>();
        for (var b = 0; b < options.Batches; b++)
        {
            var mix = MixAt(b, options).ToArray();
            var tileCount = options.TilesPerBatch * 3 / 4 + random.Next(options.TilesPerBatch / 2 + 1);
            var tiles = new List<IReadOnlyDictionary<string, int>>();
            for (var t = 0; t < tileCount; t++)
            {
                var counts = new Dictionary<string, int>();
                var objects = 1 + random.Next(2 * options.MeanObjectsPerTile - 1);
                for (var o = 0; o < objects; o++)
                {
                    var cls = Draw(mix, random.NextDouble());
                    counts[cls] = counts.GetValueOrDefault(cls) + 1;
                }
                tiles.Add(counts);
            }
            batches.Add(new SimulatedBatch(b, options.Start + b * options.BatchInterval, tiles));
        }
        return batches;
    }

    /// <summary>The class mix in force at batch <paramref name="batch"/>, shares summing to 1, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, double>> MixAt(int batch, DriftStreamOptions options)
    {
        var mix = new Dictionary<string, double>(options.BaseMix);
        foreach (var e in options.EventsOrDefault.Where(e => e.Batch <= batch).OrderBy(e => e.Batch))
        {
            var others = mix.Where(kv => kv.Key != e.Class).Sum(kv => kv.Value);
            foreach (var key in mix.Keys.Where(k => k != e.Class).ToList())
                mix[key] *= (1 - e.Share) / others;
            mix[e.Class] = e.Share;
        }
        return mix.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    }

    private static string Draw(KeyValuePair<string, double>[] mix, double u)
    {
        foreach (var (cls, share) in mix)
        {
            if (u < share)
                return cls;
            u -= share;
        }
        return mix[^1].Key;
    }
}
