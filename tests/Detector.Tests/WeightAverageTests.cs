using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class WeightAverageTests
{
    [Fact]
    public void Update_LiveWeightsMovedAway_AverageFollowsByTheWarmingUpDecay()
    {
        random.manual_seed(4);
        using var live = new CenterNet(DetectorArchitecture.Nano, classCount: 2);
        using var average = new CenterNet(DetectorArchitecture.Nano, classCount: 2);
        var ema = new WeightAverage(live, average, decay: 0.9);
        var (name, start) = Weight(live);
        Assert.Equal(start, Value(average, name));

        using (no_grad()) foreach (var p in live.parameters()) p.add_(1f);
        Assert.Equal(2.0 / 11, ema.NextDecay, 12);
        ema.Update();
        Assert.Equal(start + (1 - 2.0 / 11), Value(average, name), 5);

        for (int i = 0; i < 200; i++) ema.Update();
        Assert.Equal(0.9, ema.NextDecay, 12);
        Assert.Equal(start + 1, Value(average, name), 4);
    }

    [Fact]
    public void Validated_WeightAverageDecayOfOne_IsRefusedNamingTheField()
    {
        var ex = Assert.Throws<AutoRetrain.Core.AutoRetrainException>(() => new TrainerOptions { WeightAverageDecay = 1 }.Validated("cfg.json"));
        Assert.Contains("cfg.json: weightAverageDecay", ex.Message);
    }

    private static (string Name, double Value) Weight(CenterNet model)
    {
        var (name, p) = model.named_parameters().First(kv => kv.parameter.dim() == 4);
        return (name, Value(model, name));
    }

    private static double Value(CenterNet model, string name) =>
        model.named_parameters().First(kv => kv.name == name).parameter.flatten()[0].item<float>();
}
