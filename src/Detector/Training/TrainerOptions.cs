using AutoRetrain.Core;
using AutoRetrain.Detector.Data;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// The trainer's configuration (<c>--config</c> JSON). Reads the cycle's <c>TrainingConfig</c> fields
/// (sampler, epochs, learningRate, seed, architecture) and adds the detector's own; unknown fields are ignored.
/// </summary>
public sealed record TrainerOptions
{
    public string Architecture { get; init; } = "tiny";
    public int Epochs { get; init; } = 10;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 1e-4;
    public int Seed { get; init; } = 42;
    public int BatchSize { get; init; } = 16;
    public int InputSize { get; init; } = 256;
    /// <summary>Stop after this many evaluations without a better validation mAP50.</summary>
    public int Patience { get; init; } = 4;
    /// <summary>Stop as soon as validation mAP50 reaches this (warm-start benchmark); null never.</summary>
    public double? TargetMap50 { get; init; }
    /// <summary>Wall-clock budget in seconds for the epoch loop; null unlimited.</summary>
    public double? TimeBudgetSeconds { get; init; }
    /// <summary>Fraction of the steps spent warming the learning rate up linearly.</summary>
    public double WarmupFraction { get; init; } = 0.05;
    /// <summary>The learning rate decays by cosine to this fraction of its peak.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.05;
    /// <summary>A warm-started run trains this fraction of <see cref="Epochs"/> (rounded up): it starts near a good
    /// solution, so a cycle costs less than a cold one (a third by default; 1 keeps the cold schedule). Measured
    /// (bench/results/detector-warmstart*.json): a third reaches the cold mAP50 sooner than a half, because most of
    /// what the warm run gains comes as its learning rate decays, and a shorter schedule decays sooner.</summary>
    public double WarmStartEpochFraction { get; init; } = 1.0 / 3;

    /// <summary>A warm-started run's peak learning rate, as a fraction of <see cref="LearningRate"/>: fine-tuning at the
    /// cold peak would first throw away much of what the base model knows.</summary>
    public double WarmStartLearningRateFactor { get; init; } = 0.5;

    /// <summary>The schedule of a run that starts from a base model: fewer epochs at a lower peak (warm-up and decay
    /// keep their shape over the shorter run). Both fractions at 1 give the cold schedule.</summary>
    public TrainerOptions ForWarmStart() => this with
    {
        Epochs = Math.Max(1, (int)Math.Ceiling(Epochs * WarmStartEpochFraction - 1e-9)),
        LearningRate = LearningRate * WarmStartLearningRateFactor,
    };

    /// <summary>Decay of the moving average of the weights that is evaluated and saved (<see cref="WeightAverage"/>);
    /// 0 evaluates and saves the live weights.</summary>
    public double WeightAverageDecay { get; init; } = 0.99;

    /// <summary>Informational: the cycle's sampling strategy that produced the weights file.</summary>
    public string Sampler { get; init; } = "uniform";
    public AugmentationOptions Augmentation { get; init; } = new();

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
        if (BatchSize < 1) throw new AutoRetrainException($"{source}: batchSize must be at least 1, got {BatchSize}.");
        if (InputSize < 32 || InputSize % 16 != 0) throw new AutoRetrainException($"{source}: inputSize must be a multiple of 16 and at least 32, got {InputSize}.");
        if (!(LearningRate > 0)) throw new AutoRetrainException($"{source}: learningRate must be positive, got {LearningRate}.");
        if (!(WarmStartEpochFraction > 0 && WarmStartEpochFraction <= 1))
            throw new AutoRetrainException($"{source}: warmStartEpochFraction must lie in (0, 1], got {WarmStartEpochFraction}.");
        if (!(WarmStartLearningRateFactor > 0 && WarmStartLearningRateFactor <= 1))
            throw new AutoRetrainException($"{source}: warmStartLearningRateFactor must lie in (0, 1], got {WarmStartLearningRateFactor}.");
        if (!(WeightAverageDecay >= 0 && WeightAverageDecay < 1))
            throw new AutoRetrainException($"{source}: weightAverageDecay must lie in [0, 1), got {WeightAverageDecay}.");
        return this;
    }
}
