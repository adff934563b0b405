using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Tests.Statistics;

public class DistributionsTests
{
    private static Dictionary<string, int> C(params (string Class, int Count)[] counts) => counts.ToDictionary(c => c.Class, c => c.Count);

    [Fact]
    public void TotalVariation_HalfOverlap_IsHalf() =>
        Assert.Equal(0.5, Distributions.TotalVariation(C(("a", 1), ("b", 1)), C(("a", 3))), 12);

    [Fact]
    public void JensenShannon_HandComputed_Matches()
    {
        // p = (.5, .5), q = (1, 0), m = (.75, .25): ½[.5·log2(.5/.75) + .5·log2(.5/.25)] + ½[1·log2(1/.75)] = 0.3112781
        Assert.Equal(0.3112781245, Distributions.JensenShannon(C(("a", 2), ("b", 2)), C(("a", 7))), 9);
    }

    [Fact]
    public void JensenShannon_SameMix_IsZero_DisjointMix_IsOne()
    {
        Assert.Equal(0, Distributions.JensenShannon(C(("a", 1), ("b", 3)), C(("a", 10), ("b", 30))), 12);
        Assert.Equal(1, Distributions.JensenShannon(C(("a", 1)), C(("b", 5))), 12);
    }

    [Fact]
    public void JensenShannon_EmptyCounts_Throws() =>
        Assert.Throws<AutoRetrainException>(() => Distributions.JensenShannon(C(), C(("a", 1))));
}

public class BootstrapTests
{
    [Fact]
    public void PercentileInterval_ZeroToHundred_IsTwoAndAHalfToNinetySevenAndAHalf()
    {
        var interval = Bootstrap.PercentileInterval(Enumerable.Range(0, 101).Select(i => (double)i).Reverse().ToList(), 0.95);
        Assert.Equal(2.5, interval.Low, 12);
        Assert.Equal(97.5, interval.High, 12);
    }

    [Fact]
    public void Resample_SameSeed_SameIndices()
    {
        Assert.Equal(Bootstrap.Resample(20, new Random(3)), Bootstrap.Resample(20, new Random(3)));
        Assert.All(Bootstrap.Resample(20, new Random(3)), i => Assert.InRange(i, 0, 19));
    }
}
