using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>The training contract and budget: schedules planned over epochs, steps or time; epochs.jsonl; class-balanced loss.</summary>
public class TrainingBudgetTests
{
    private static readonly string[] TwoClasses = ["boat", "car"];

    private static List<JsonElement> Events(StringWriter log, string name) => log.ToString().Split('\n')
        .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
        .Where(e => e.GetProperty("event").GetString() == name).ToList();

    [Fact]
    public void SchedulePlan_StepBudget_ReplacesTheEpochs()
    {
        var byEpochs = SchedulePlan.For(new TrainingConfig { Epochs = 4 }, stepsPerEpoch: 3);
        var bySteps = SchedulePlan.For(new TrainingConfig { Epochs = 4, MaxSteps = 7 }, stepsPerEpoch: 3);

        Assert.Equal((12, "epochs", 4), (byEpochs.TotalSteps, byEpochs.Basis, byEpochs.Epochs));
        Assert.Equal((7, "steps", 3), (bySteps.TotalSteps, bySteps.Basis, bySteps.Epochs));
    }

    [Fact]
    public void FitToTime_FirstEpochTookAThird_PlansTheStepsTheRestHoldsButNeverMoreThanPlanned()
    {
        var plan = new SchedulePlan(100, 10, "epochs");

        var fitted = plan.FitToTime(stepsDone: 10, secondsSoFar: 10, budgetSeconds: 30);
        var roomy = plan.FitToTime(stepsDone: 10, secondsSoFar: 10, budgetSeconds: 10_000);
        var late = plan.FitToTime(stepsDone: 10, secondsSoFar: 40, budgetSeconds: 30);

        Assert.Equal(10 + (int)Math.Floor(20 * SchedulePlan.TimeFill), fitted.TotalSteps);
        Assert.Equal("time", fitted.Basis);
        Assert.Equal(100, roomy.TotalSteps);
        Assert.Equal(10, late.TotalSteps);
    }

    [Fact]
    public void FitToTime_LaterFitMeasuresAFasterSpeed_LengthensTheEarlyFitUpToTheStartingBudget()
    {
        var plan = new SchedulePlan(100, 10, "epochs");

        var early = plan.FitToTime(stepsDone: 2, secondsSoFar: 4, budgetSeconds: 40);   // 2 s a step: 19 more steps
        var afterEpoch = early.FitToTime(stepsDone: 10, secondsSoFar: 10, budgetSeconds: 40); // 1 s a step
        var veryFast = early.FitToTime(stepsDone: 10, secondsSoFar: 1, budgetSeconds: 40);

        Assert.Equal(2 + (int)Math.Floor(36 * SchedulePlan.TimeFill / 2), early.TotalSteps);
        Assert.Equal(10 + (int)Math.Floor(30 * SchedulePlan.TimeFill), afterEpoch.TotalSteps);
        Assert.Equal(100, veryFast.TotalSteps);
        Assert.Equal(100, afterEpoch.Ceiling);
    }

    [Theory]
    [InlineData(0.5, 125)] // the epoch ran faster than the early fit measured: the plan lengthens
    [InlineData(2.0, 34)]  // slower: it shortens
    public void FitToTime_RefittedPartWay_CarriesTheRateOnFromWhereItStoodAndStillAnneals(double secondsPerStep, int expectedTotal)
    {
        var options = new TrainerOptions { LearningRate = 1e-3 };
        var early = new SchedulePlan(1000, 10, "epochs").FitToTime(stepsDone: 10, secondsSoFar: 20, budgetSeconds: 100);
        double Rate(SchedulePlan plan, int step) => Trainer.LearningRateAt(plan.ScheduleStep(step), plan.TotalSteps, options);

        var refitted = early.FitToTime(stepsDone: 30, secondsSoFar: secondsPerStep == 0.5 ? 50 : 90, budgetSeconds: 100, secondsPerStep);

        Assert.Equal(48, early.TotalSteps);
        Assert.Equal(expectedTotal, refitted.TotalSteps);
        // Continuous up to the warm-up's whole-step rounding (2 of 48 steps against 6 of 125): within 2 %.
        Assert.InRange(Rate(refitted, 30) / Rate(early, 30), 0.98, 1.02);
        Assert.Equal(1e-3 * options.FinalLearningRateFraction, Rate(refitted, refitted.TotalSteps), 12);
        var rates = Enumerable.Range(30, refitted.TotalSteps - 29).Select(s => Rate(refitted, s)).ToList();
        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second <= pair.First, "the rate only decays after the refit"));
    }

    [Fact]
    public void LearningRateAt_LastStepOfThePlan_HasDecayedToTheFloor()
    {
        var options = new TrainerOptions { LearningRate = 1e-3 };

        Assert.Equal(1e-3 * options.FinalLearningRateFraction, Trainer.LearningRateAt(40, 40, options), 12);
        Assert.True(Trainer.LearningRateAt(20, 40, options) > 0.4e-3);
    }

    [Fact]
    public void Train_StepBudget_StopsThereAnnealedAndWritesEpochsJsonl()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(6, 64, TwoClasses, seed: 4);
        var log = new StringWriter();

        // 6 tiles in batches of 4: 2 steps an epoch, so 3 steps end inside the second epoch.
        var result = TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(2).ToList()), folder.Sub("m"),
            TrainerTests.Quick(100) with { MaxSteps = 3 }, log: log);

        var done = Events(log, "done").Single();
        Assert.Equal("steps", result.StopReason);
        Assert.Equal(2, result.Epochs);
        Assert.Equal(3, done.GetProperty("stepsRun").GetInt32());
        var epochs = Events(log, "epoch");
        Assert.Equal(5e-3 * new TrainerOptions().FinalLearningRateFraction, epochs[^1].GetProperty("learningRate").GetDouble(), 9);
        var written = File.ReadAllLines(Path.Combine(folder.Sub("m"), Trainer.EpochsFile));
        Assert.Equal(epochs.Select(e => e.GetRawText()), written.Select(l => JsonDocument.Parse(l).RootElement.GetRawText()));
    }

    [Fact]
    public void Train_TimeCapFires_StopsAndSaysSo()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(6, 64, TwoClasses, seed: 4);

        var result = TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(2).ToList()), folder.Sub("m"),
            TrainerTests.Quick(20) with { TimeBudgetSeconds = 1e-6 });

        Assert.Equal("time-budget", result.StopReason);
        Assert.Equal(1, result.Epochs);
    }

    [Fact]
    public void Train_ScheduleForTimeBudget_ReplansAfterTheFirstEpochAndRecordsThePlan()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(6, 64, TwoClasses, seed: 4);
        var log = new StringWriter();

        var result = TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(2).ToList()), folder.Sub("m"),
            TrainerTests.Quick(2) with { TimeBudgetSeconds = 1e6, PlanScheduleForTimeBudget = true }, log: log);

        var plans = Events(log, "plan");
        Assert.Equal(["epochs", "time"], plans.Select(p => p.GetProperty("basis").GetString()));
        Assert.Equal(2, plans[1].GetProperty("atStep").GetInt32());
        Assert.Equal(4, plans[1].GetProperty("plannedSteps").GetInt32()); // a roomy budget keeps the epochs' plan
        Assert.True(plans[1].GetProperty("secondsPerStep").GetDouble() > 0);
        Assert.Equal("time", result.StopReason);
    }

    [Fact]
    public void Train_ScheduleForTimeBudget_LongFirstEpoch_FittedEarlyThenAgainAtTheEpochsEnd()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(Trainer.EarlyPlanSteps + 4, 64, TwoClasses, seed: 5);
        var log = new StringWriter();

        var result = TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(2).ToList()), folder.Sub("m"),
            TrainerTests.Quick(2) with { BatchSize = 1, TimeBudgetSeconds = 1e6, PlanScheduleForTimeBudget = true }, log: log);

        var plans = Events(log, "plan");
        Assert.Equal(["epochs", "time", "time"], plans.Select(p => p.GetProperty("basis").GetString()));
        Assert.Equal(Trainer.EarlyPlanSteps, plans[1].GetProperty("atStep").GetInt32());
        Assert.Equal(tiles.Count, plans[2].GetProperty("atStep").GetInt32());
        Assert.Equal(2 * tiles.Count, plans[2].GetProperty("plannedSteps").GetInt32()); // a roomy budget keeps the epochs' plan
        Assert.Equal("time", result.StopReason);
    }

    [Fact]
    public void TrainerOptions_ConfigWrittenByACycle_ReadsWithTheContractsDefaults()
    {
        using var folder = new TempFolder();
        string path = folder.Sub("config.json");
        // What the backends write: a TrainingConfig serialised as JSON (nulls left out).
        File.WriteAllText(path, Json.Serialize(new TrainingConfig { Sampler = "repeat-factor", Epochs = 12, MaxSteps = 300, ClassBalancedLoss = true }));

        var options = TrainerOptions.Read(path);

        Assert.Equal(("repeat-factor", 12, 300, true), (options.Sampler, options.Epochs, options.MaxSteps, options.ClassBalancedLoss));
        var contract = new TrainingConfig();
        Assert.Equal((contract.LearningRate, contract.Patience, contract.BatchSize, contract.InputSize, contract.WeightAverageDecay),
            (options.LearningRate, options.Patience, options.BatchSize, options.InputSize, options.WeightAverageDecay));
        Assert.Equal("tiny", options.ArchitectureName);
    }

    [Fact]
    public void Validated_TimePlanWithoutATimeBudget_IsRefusedNamingTheField()
    {
        var error = Assert.Throws<AutoRetrainException>(() => new TrainerOptions { PlanScheduleForTimeBudget = true }.Validated("cfg.json"));
        Assert.Contains("planScheduleForTimeBudget", error.Message);
    }

    [Fact]
    public void FocalPerSample_ClassWeights_ScaleEachClassesShare()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var logits = randn(1, 2, 4, 4);
        var target = zeros(1, 2, 4, 4);
        target[0, 0, 1, 1] = tensor(1f);
        target[0, 1, 2, 3] = tensor(1f);

        var plain = CenterNetLoss.FocalPerSample(logits, target).item<float>();
        var ones = CenterNetLoss.FocalPerSample(logits, target, tensor(new[] { 1f, 1f })).item<float>();
        var onlyFirst = CenterNetLoss.FocalPerSample(logits, target, tensor(new[] { 2f, 0f })).item<float>();
        // Class 0 alone has one positive of the two: twice its half of the sum is its loss over its own positive.
        var firstAlone = CenterNetLoss.FocalPerSample(logits.narrow(1, 0, 1), target.narrow(1, 0, 1)).item<float>();

        Assert.Equal(plain, ones, 5);
        Assert.Equal(firstAlone, onlyFirst, 4);
    }

    [Fact]
    public void ClassBalancedWeights_RareClass_WeighsMoreAndAClassWithoutObjectsWeighsOne()
    {
        var tiles = new List<LabelledTile>
        {
            new("t", "memory", 8, 8, new byte[8 * 8 * 3],
                Enumerable.Range(0, 9).Select(_ => LabelObject.Of("boat", new BoundingBox(0, 0, 2, 2)))
                    .Append(LabelObject.Of("car", new BoundingBox(0, 0, 2, 2))).ToList()),
        };

        var weights = Trainer.ClassBalancedWeights(["boat", "car", "tank"], tiles, beta: 0.9);

        Assert.True(weights[1] > weights[0], $"car {weights[1]} vs boat {weights[0]}");
        Assert.Equal(2, weights[0] + weights[1], 9); // Cui et al.'s weights sum to the number of classes weighed
        Assert.Equal(1, weights[2]);
    }

    [Fact]
    public void Train_ClassBalancedLoss_TrainsWithTheWeightsAndRecordsThem()
    {
        using var folder = new TempFolder();
        var tiles = ShapeTiles.Make(4, 64, TwoClasses, seed: 5);
        var log = new StringWriter();

        TrainerTests.Train(new TileDataset("s", tiles, tiles), folder.Sub("m"), TrainerTests.Quick(1) with { ClassBalancedLoss = true }, log: log);

        var recorded = Events(log, "start").Single().GetProperty("classLossWeights");
        var expected = Trainer.ClassBalancedWeights(TwoClasses, tiles, new TrainingConfig().ClassBalancedLossBeta);
        Assert.Equal(expected[0], recorded.GetProperty("boat").GetDouble(), 9);
        Assert.Equal(expected[1], recorded.GetProperty("car").GetDouble(), 9);
        Assert.True(Events(log, "epoch").Single().GetProperty("loss").ValueKind == JsonValueKind.Number);
    }
}
