using AutoRetrain.Core.Sampling;

namespace AutoRetrain.Core.Tests.Sampling;

public class SampleWeightsTests
{
    [Fact]
    public void Write_ThenRead_RoundTripsAsJsonLines()
    {
        var weights = new[] { new TileWeight("a", 2), new TileWeight("b", 0.5, 3) };
        var text = SampleWeights.Write(weights);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"tileId\":\"a\"", text);
        Assert.Equal(weights, SampleWeights.Read(text, "sample-weights.jsonl"));
    }

    [Fact]
    public void Read_FromEpochAbsent_EntersAtEpochZero() =>
        Assert.Equal(new TileWeight("a", 1.5, 0), Assert.Single(SampleWeights.Read("{\"tileId\":\"a\",\"weight\":1.5}\n", "w.jsonl")));

    [Theory]
    [InlineData("{\"tileId\":\"a\",\"weight\":-1}", "weight -1")]
    [InlineData("{\"tileId\":\"a\",\"weight\":1}\n{\"tileId\":\"a\",\"weight\":2}", "listed twice")]
    [InlineData("{\"tileId\":\"a\",\"weight\":1,\"fromEpoch\":-2}", "fromEpoch")]
    [InlineData("not json", "malformed")]
    public void Read_BadLine_ThrowsNamingFileAndProblem(string text, string expected)
    {
        var error = Assert.Throws<AutoRetrainException>(() => SampleWeights.Read(text, "w.jsonl"));
        Assert.Contains("w.jsonl line", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
