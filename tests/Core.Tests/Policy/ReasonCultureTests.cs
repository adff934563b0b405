using System.Globalization;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Statistics;

namespace AutoRetrain.Core.Tests.Policy;

public class ReasonCultureTests
{
    [Fact]
    public void Decide_UnderGermanCulture_ReasonsUseInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("1,5", 1.5.ToString()); // the culture really is in force
            var input = new PolicyInput
            {
                Now = DateTimeOffset.UnixEpoch, LastCycleAt = DateTimeOffset.UnixEpoch.AddDays(-1), HasChampion = true, TrainingTiles = 1000,
                TrainingClassCounts = new Dictionary<string, int> { ["plane"] = 100 },
                NewLabelledTiles = 5, NewClassCounts = new Dictionary<string, int> { ["plane"] = 5 },
                Drift = new ChampionDrift(0.75, 0.5, 5, new ConfidenceInterval(0.1, 0.4, 0.95)),
            };
            var reason = Assert.Single(new RetrainPolicy(new RetrainPolicyOptions()).Decide(input).Reasons).Message;
            Assert.Contains("drop 0.250", reason);
            Assert.Contains("[0.100, 0.400]", reason);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
