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

    /// <summary>The configuration, refused with the first value outside its range, named with <paramref name="source"/>.</summary>
    public TrainerOptions Validated(string source) =>
        Problems(this).FirstOrDefault() is { } problem ? throw new AutoRetrainException(problem.Describe(source)) : this;

    /// <summary>
    /// Every value of a training configuration outside what the trainer accepts, keyed by its JSON name; the one
    /// place these ranges are written (the trainer's <c>--config</c>, and the CLI's configuration at start-up).
    /// </summary>
    public static IEnumerable<SettingProblem> Problems(TrainingConfig c)
    {
        static string T(double v) => SettingProblem.Text(v);
        if (c.Epochs < 1) yield return new("epochs", T(c.Epochs), "at least 1");
        if (c.MaxSteps is { } steps && steps < 1) yield return new("maxSteps", T(steps), "at least 1");
        if (c.BatchSize < 1) yield return new("batchSize", T(c.BatchSize), "at least 1");
        if (c.InputSize is { } inputSize && (inputSize < 32 || inputSize % 16 != 0))
            yield return new("inputSize", T(inputSize), "a multiple of 16 and at least 32");
        if (!(c.LearningRate > 0)) yield return new("learningRate", T(c.LearningRate), "positive");
        if (!(c.WeightDecay >= 0)) yield return new("weightDecay", T(c.WeightDecay), "0 or positive");
        if (c.Patience < 0) yield return new("patience", T(c.Patience), "0 or more");
        if (c.TimeBudgetSeconds is { } budget && !(budget > 0)) yield return new("timeBudgetSeconds", T(budget), "positive");
        if (c.PlanScheduleForTimeBudget && c.TimeBudgetSeconds is null)
            yield return new("planScheduleForTimeBudget", "true", "false unless a timeBudgetSeconds is given");
        if (!(c.WarmStartEpochFraction > 0 && c.WarmStartEpochFraction <= 1))
            yield return new("warmStartEpochFraction", T(c.WarmStartEpochFraction), "in (0, 1]");
        if (!(c.WarmStartLearningRateFactor > 0 && c.WarmStartLearningRateFactor <= 1))
            yield return new("warmStartLearningRateFactor", T(c.WarmStartLearningRateFactor), "in (0, 1]");
        if (!(c.WeightAverageDecay >= 0 && c.WeightAverageDecay < 1)) yield return new("weightAverageDecay", T(c.WeightAverageDecay), "in [0, 1)");
        if (!(c.ClassBalancedLossBeta >= 0 && c.ClassBalancedLossBeta < 1))
            yield return new("classBalancedLossBeta", T(c.ClassBalancedLossBeta), "in [0, 1)");
        if (!(c.BackgroundWindowFraction >= 0 && c.BackgroundWindowFraction <= 1))
            yield return new("backgroundWindowFraction", T(c.BackgroundWindowFraction), "in [0, 1]");
        if (!(c.ObjectWindowClassBalance >= 0 && c.ObjectWindowClassBalance <= 2))
            yield return new("objectWindowClassBalance", T(c.ObjectWindowClassBalance), "in [0, 2]");
        if (c.InputScale is { } inputScale && !(inputScale >= Data.InputScale.Min && inputScale <= Data.InputScale.Max))
            yield return new("inputScale", T(inputScale), $"in [{T(Data.InputScale.Min)}, {T(Data.InputScale.Max)}]");
        if (!(c.GiouWeight >= 0 && double.IsFinite(c.GiouWeight))) yield return new("giouWeight", T(c.GiouWeight), "0 or positive");
        if (!(c.RegressionArea >= 0 && c.RegressionArea <= 1)) yield return new("regressionArea", T(c.RegressionArea), "in [0, 1]");
        if (c.DecodedScenesMegabytes < 1) yield return new("decodedScenesMegabytes", T(c.DecodedScenesMegabytes), "at least 1");
    }

    /// <summary><see cref="TrainingConfig.DecodedScenesMegabytes"/> in bytes.</summary>
    public long DecodedScenesBytes => (long)DecodedScenesMegabytes << 20;
}
