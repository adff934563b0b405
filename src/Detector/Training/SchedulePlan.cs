using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// The length of a run's learning-rate schedule in optimiser steps and what it was planned from: the epochs
/// ("epochs"), a step budget ("steps"), or the time left after the first epoch ("time", see
/// <see cref="TrainingConfig.PlanScheduleForTimeBudget"/>). Warm-up and cosine decay are laid over
/// <see cref="TotalSteps"/>, so a run that completes its plan has annealed.
/// </summary>
public sealed record SchedulePlan(int TotalSteps, int StepsPerEpoch, string Basis)
{
    /// <summary>Part of the time left that a time plan fills, keeping room for the last evaluation.</summary>
    public const double TimeFill = 0.95;

    /// <summary>Epochs the plan spans, the last one possibly partial.</summary>
    public int Epochs => (TotalSteps + StepsPerEpoch - 1) / StepsPerEpoch;

    public static SchedulePlan For(TrainingConfig options, int stepsPerEpoch) => options.MaxSteps is { } steps
        ? new SchedulePlan(steps, stepsPerEpoch, "steps")
        : new SchedulePlan(stepsPerEpoch * options.Epochs, stepsPerEpoch, "epochs");

    /// <summary>The most steps a time fit may plan: the epoch or step budget the run started from (kept by
    /// <see cref="FitToTime"/>).</summary>
    public int Ceiling { get; init; } = TotalSteps;

    /// <summary>The plan fitted to the steps that fit in the time left at the speed measured so far (evaluations
    /// included); never longer than the budget the run started from (<see cref="Ceiling"/>), never shorter than the
    /// steps already run. A later fit may lengthen an earlier one: the early fit (after 20 steps, start-up included)
    /// measures a slower speed than the first epoch does (HRPlanes: 0.31 s a step at step 20, 0.24 over the epoch, and
    /// the run ended its plan at 652 s of a 900-s budget).</summary>
    public SchedulePlan FitToTime(int stepsDone, double secondsSoFar, double budgetSeconds)
    {
        double secondsPerStep = secondsSoFar / Math.Max(1, stepsDone);
        double left = Math.Max(0, budgetSeconds - secondsSoFar) * TimeFill;
        long fit = stepsDone + (long)Math.Floor(left / Math.Max(1e-9, secondsPerStep));
        return this with { TotalSteps = (int)Math.Clamp(fit, Math.Max(1, stepsDone), Ceiling), Basis = "time" };
    }
}
