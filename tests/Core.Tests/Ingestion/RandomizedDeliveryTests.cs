using System.Collections.Concurrent;
using AutoRetrain.Core.Ingestion;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Ingestion;

/// <summary>
/// At-least-once, concurrent, out-of-order delivery: every file of N labelled tiles is delivered one to three
/// times, in a random order, by several workers at once. The end state must be exactly N labelled tiles.
/// </summary>
public class RandomizedDeliveryTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    public async Task Deliver_ShuffledDuplicatedConcurrent_ExactlyNTilesNoneLost(int seed, int workers)
    {
        const int n = 40;
        var random = new Random(seed);
        var files = new List<(string Name, byte[] Content)>();
        for (int i = 0; i < n; i++)
        {
            string stem = $"batch-{i % 3}/tile-{i:D3}";
            files.Add(($"{stem}.png", Png(1000 * seed + i, 32, 32)));
            files.Add(($"{stem}.labels.json", LabelsJson($"tile-{i:D3}.png", 32, 32, ($"class-{i % 4}", [1, 1, 10 + i % 5, 12]))));
        }
        var deliveries = files.SelectMany(file => Enumerable.Repeat(file, random.Next(1, 4))).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(deliveries));

        using var f = new IngestionFixture();
        var outcomes = new ConcurrentBag<IngestOutcome>();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = workers },
            async (d, ct) => outcomes.Add(await f.Service.IngestAsync(d.Name, d.Content, ct)));

        var counts = await f.Ledger.GetCountsAsync();
        Assert.Equal(n, counts.Tiles);
        Assert.Equal(n, counts.Labelled);
        Assert.Equal(0, counts.PendingLabels);
        Assert.Equal(0, counts.Quarantined);
        Assert.DoesNotContain(outcomes, o => o.Kind == IngestKind.Quarantined);
        // Each tile is reported newly labelled exactly once, whatever the order and the duplicates.
        var reported = outcomes.Where(o => o.NewlyLabelled is not null).Select(o => o.NewlyLabelled!.TileId).ToList();
        Assert.Equal(n, reported.Count);
        Assert.Equal(n, reported.Distinct().Count());
        Assert.Equal(n, outcomes.Count(o => o.Kind == IngestKind.TileAdded));
    }
}
