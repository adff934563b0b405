using System.Text.Json;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Policy.Simulation;

namespace AutoRetrain.Core.Tests.Policy;

public class PolicySimulatorTests
{
    private static JsonElement RunJson(int batches, int seed)
    {
        var result = new PolicySimulator(new RetrainPolicyOptions(), new TrainingSurrogate()).Run(new DriftStreamOptions { Batches = batches, Seed = seed });
        return JsonDocument.Parse(Json.Serialize(result)).RootElement;
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(60, 7)]
    [InlineData(30, 3)]
    [InlineData(200, 3)]
    public void Run_DriftingStream_FewerTrainingsThanEveryBatchAndAtLeastOne(int batches, int seed)
    {
        var json = RunJson(batches, seed);
        var trainings = json.GetProperty("trainings").GetInt32();
        Assert.InRange(trainings, 1, json.GetProperty("everyBatchTrainings").GetInt32() - 1);
        Assert.Equal(trainings, json.GetProperty("decisions").EnumerateArray().Count(d => d.GetProperty("retrain").GetBoolean()));
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(60, 2)]
    [InlineData(60, 7)]
    [InlineData(30, 3)]
    [InlineData(200, 3)]
    public void Run_DriftingStream_EveryDriftEventAnsweredWithinOneBatch(int batches, int seed)
    {
        var json = RunJson(batches, seed);
        Assert.InRange(json.GetProperty("maxStaleness").GetInt32(), 0, 1);
        var events = json.GetProperty("driftEvents").EnumerateArray().ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.InRange(
            e.GetProperty("answeredAtBatch").GetInt32() - e.GetProperty("batch").GetInt32(), 0, 1));
    }

    [Fact]
    public void Run_EveryDecision_CarriesReasons()
    {
        var decisions = RunJson(40, 4).GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(40, decisions.Count);
        Assert.All(decisions, d => Assert.NotEmpty(d.GetProperty("reasons").EnumerateArray()));
        Assert.Contains(decisions, d => d.GetProperty("reasons").EnumerateArray().Any(r => r.GetString()!.Contains("new class \"wind-turbine\"")));
    }

    [Fact]
    public void Run_SameSeed_SameJson() =>
        Assert.Equal(RunJson(40, 5).GetRawText(), RunJson(40, 5).GetRawText());

    [Fact]
    public void MixAt_AfterEvents_DriftingClassHasItsShareAndMixSumsToOne()
    {
        var options = new DriftStreamOptions { Batches = 30 };
        var before = DriftStream.MixAt(0, options).ToDictionary(kv => kv.Key, kv => kv.Value);
        var after = DriftStream.MixAt(29, options).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.False(before.ContainsKey("wind-turbine"));
        Assert.Equal(0.15, after["wind-turbine"], 12);
        Assert.Equal(1, after.Values.Sum(), 12);
        Assert.Equal(0.3 * 0.85, after["helicopter"], 12);
    }

    [Fact]
    public void Generate_SameSeed_SameCounts()
    {
        var options = new DriftStreamOptions { Batches = 5, Seed = 11 };
        Assert.Equal(Json.Serialize(DriftStream.Generate(options)), Json.Serialize(DriftStream.Generate(options)));
    }
}
