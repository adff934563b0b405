using AutoRetrain.Core.SampleLedger;
using AutoRetrain.Core.Sampling;
using static AutoRetrain.Core.Tests.Sampling.SamplingTestData;

namespace AutoRetrain.Core.Tests.Sampling;

/// <summary>The strategies reading what earlier cycles left in the sample ledger.</summary>
public class LedgerDrivenSamplingTests
{
    private static async Task<SamplingInput> AfterThreeCycles()
    {
        var store = new InMemorySampleLedgerStore();
        var merger = new SampleLedgerMerger(store);
        // "swing" flips between right and wrong; "steady" is always right; "hard" is always wrong and costly.
        double[][] swing = [[0.1], [0.9], [0.2]];
        for (var c = 0; c < 3; c++)
        {
            var cycle = $"c{c}";
            await merger.MergeAsync(cycle,
            [
                new TileTrainingStats { TileId = "swing", CycleId = cycle, Loss = 1, TrueClassProbabilities = swing[c] },
                new TileTrainingStats { TileId = "steady", CycleId = cycle, Loss = 0.2, TrueClassProbabilities = [0.95] },
                new TileTrainingStats { TileId = "hard", CycleId = cycle, Loss = 5, TrueClassProbabilities = [0.05] },
            ]);
        }
        return await SamplingInput.LoadAsync(store, [Tile("swing", ("a", 1)), Tile("steady", ("a", 1)), Tile("hard", ("a", 1)), Tile("fresh", ("a", 1))], epochs: 4, seed: 1);
    }

    [Fact]
    public async Task ActiveBiasSampling_AfterThreeCycles_FavoursTheTileThatSwings()
    {
        var weights = new ActiveBiasSampling().Weigh(await AfterThreeCycles()).ToDictionary(w => w.TileId, w => w.Weight);
        Assert.True(weights["swing"] > weights["steady"]);
        Assert.Equal(weights["steady"], weights["hard"], 12); // both never vary: only ε
    }

    [Fact]
    public async Task HardExampleMining_AfterThreeCycles_FavoursTheCostlyTileUpToTheCap()
    {
        var weights = new HardExampleMiningSampling(cap: 2).Weigh(await AfterThreeCycles()).ToDictionary(w => w.TileId, w => w.Weight);
        Assert.Equal(2, weights["hard"]); // 5 / mean 1.8 = 2.8, capped
        Assert.True(weights["steady"] < weights["fresh"]);
    }

    [Fact]
    public async Task CurriculumSampling_AfterThreeCycles_StartsWithTheEasyTile()
    {
        var weights = new CurriculumSampling(0.25, 0.5).Weigh(await AfterThreeCycles()).ToDictionary(w => w.TileId, w => w.FromEpoch);
        Assert.Equal(0, weights["steady"]);
        Assert.Equal(weights.Values.Max(), weights["hard"]);
    }
}
