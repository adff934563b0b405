using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Detector.Data;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// The trainer's configuration (<c>--config</c> JSON): the cycle's training contract (<see cref="TrainingConfig"/>,
/// whose fields and defaults it inherits) plus the detector's own details; unknown fields are ignored.
/// </summary>
public sealed record TrainerOptions : TrainingConfig
{
    /// <summary>Stop as soon as validation mAP50 reaches this (warm-start benchmark); null never.</summary>
    public double? TargetMap50 { get; init; }
    /// <summary>Fraction of the steps spent warming the learning rate up linearly.</summary>
    public double WarmupFraction { get; init; } = 0.05;
    /// <summary>The learning rate decays by cosine to this fraction of its peak.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.05;
    public AugmentationOptions Augmentation { get; init; } = new();

    /// <summary>The schedule of a run that starts from a base model: a shorter budget (epochs or steps) at a lower
    /// peak (warm-up and decay keep their shape over the shorter run). Both fractions at 1 give the cold schedule.</summary>
    public TrainerOptions ForWarmStart() => this with
    {
        Epochs = Shorter(Epochs),
        MaxSteps = MaxSteps is { } steps ? Shorter(steps) : null,
        LearningRate = LearningRate * WarmStartLearningRateFactor,
    };

    private int Shorter(int budget) => Math.Max(1, (int)Math.Ceiling(budget * WarmStartEpochFraction - 1e-9));

    /// <summary>"centernet-small" (the cycle's naming) and "small" name the same architecture.</summary>
    public string ArchitectureName => Architecture.StartsWith("centernet-", StringComparison.OrdinalIgnoreCase)
        ? Architecture["centernet-".Length..] : Architecture;

    public static TrainerOptions Read(string? path)
    {
        if (path is null) return new TrainerOptions();
        if (!File.Exists(path)) throw new AutoRetrainException($"--config {path}: file not found.");
        return Json.Deserialize<TrainerOptions>(File.ReadAllText(path), path).Validated(path);
    }

    public TrainerOptions Validated(string source)
    {
        if (Epochs < 1) throw new AutoRetrainException($"{source}: epochs must be at least 1, got {Epochs}.");
        if (MaxSteps is < 1) throw new AutoRetrainException($"{source}: maxSteps must be at least 1, got {MaxSteps}.");
        if (BatchSize < 1) throw new AutoRetrainException($"{source}: batchSize must be at least 1, got {BatchSize}.");
        if (InputSize < 32 || InputSize % 16 != 0) throw new AutoRetrainException($"{source}: inputSize must be a multiple of 16 and at least 32, got {InputSize}.");
        if (!(LearningRate > 0)) throw new AutoRetrainException($"{source}: learningRate must be positive, got {LearningRate}.");
        if (TimeBudgetSeconds is { } budget && !(budget > 0))
            throw new AutoRetrainException($"{source}: timeBudgetSeconds must be positive, got {budget}.");
        if (PlanScheduleForTimeBudget && TimeBudgetSeconds is null)
            throw new AutoRetrainException($"{source}: planScheduleForTimeBudget needs a timeBudgetSeconds.");
        if (!(WarmStartEpochFraction > 0 && WarmStartEpochFraction <= 1))
            throw new AutoRetrainException($"{source}: warmStartEpochFraction must lie in (0, 1], got {WarmStartEpochFraction}.");
        if (!(WarmStartLearningRateFactor > 0 && WarmStartLearningRateFactor <= 1))
            throw new AutoRetrainException($"{source}: warmStartLearningRateFactor must lie in (0, 1], got {WarmStartLearningRateFactor}.");
        if (!(WeightAverageDecay >= 0 && WeightAverageDecay < 1))
            throw new AutoRetrainException($"{source}: weightAverageDecay must lie in [0, 1), got {WeightAverageDecay}.");
        if (!(ClassBalancedLossBeta >= 0 && ClassBalancedLossBeta < 1))
            throw new AutoRetrainException($"{source}: classBalancedLossBeta must lie in [0, 1), got {ClassBalancedLossBeta}.");
        if (!(BackgroundWindowFraction >= 0 && BackgroundWindowFraction <= 1))
            throw new AutoRetrainException($"{source}: backgroundWindowFraction must lie in [0, 1], got {BackgroundWindowFraction}.");
        if (InputScale is { } inputScale && !(inputScale >= Data.InputScale.Min && inputScale <= Data.InputScale.Max))
            throw new AutoRetrainException($"{source}: inputScale must lie in [{Data.InputScale.Min}, {Data.InputScale.Max}], got {inputScale}.");
        if (!(GiouWeight >= 0 && double.IsFinite(GiouWeight)))
            throw new AutoRetrainException($"{source}: giouWeight must be 0 or positive, got {GiouWeight}.");
        if (DecodedScenesMegabytes < 1)
            throw new AutoRetrainException($"{source}: decodedScenesMegabytes must be at least 1, got {DecodedScenesMegabytes}.");
        return this;
    }

    /// <summary><see cref="TrainingConfig.DecodedScenesMegabytes"/> in bytes.</summary>
    public long DecodedScenesBytes => (long)DecodedScenesMegabytes << 20;
}
