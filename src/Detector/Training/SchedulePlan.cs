using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// The length of a run's learning-rate schedule in optimiser steps and what it was planned from: the epochs
/// ("epochs"), a step budget ("steps"), or the time left after the first epoch ("time", see
/// <see cref="TrainingConfig.PlanScheduleForTimeBudget"/>). Warm-up and cosine decay are laid over
/// <see cref="TotalSteps"/>, so a run that completes its plan has annealed.
/// <para>A plan fitted again part-way (<see cref="FitToTime"/>) keeps the schedule continuous: the steps left carry the
/// schedule on from where it stands (<see cref="AnchorStep"/>, <see cref="AnchorProgress"/>) to its end, faster or slower,
/// instead of jumping to the rate the new length would give at that step.</para>
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

    /// <summary>The step where this plan took over from an earlier one (0 for a plan made at the start).</summary>
    public int AnchorStep { get; init; }

    /// <summary>How far through the schedule (0 to 1) the run was at <see cref="AnchorStep"/>.</summary>
    public double AnchorProgress { get; init; }

    /// <summary>
    /// Where <paramref name="step"/> falls on the schedule, in steps of this plan (<c>step</c> itself for a plan made at
    /// the start): the learning rate is read there (<see cref="Trainer.LearningRateAt(double, int, TrainerOptions)"/>).
    /// </summary>
    public double ScheduleStep(int step)
    {
        if (AnchorStep == 0 && AnchorProgress == 0) return step;
        double progress = AnchorProgress + (1 - AnchorProgress) * (step - AnchorStep) / Math.Max(1, TotalSteps - AnchorStep);
        return Math.Min(1, progress) * TotalSteps;
    }

    /// <summary>The plan fitted to the steps that fit in the time left at the speed measured so far (evaluations
    /// included); never longer than the budget the run started from (<see cref="Ceiling"/>), never shorter than the
    /// steps already run. A later fit may lengthen an earlier one: the early fit (after 20 steps, start-up included)
    /// measures a slower speed than the first epoch does (HRPlanes: 0.31 s a step at step 20, 0.24 over the epoch, and
    /// the run ended its plan at 652 s of a 900-s budget).</summary>
    /// <para>The speed is <paramref name="secondsPerStep"/> when given (the trainer passes the speed since its 10th step,
    /// evaluations included, leaving start-up out), else the average so far.</para></summary>
    public SchedulePlan FitToTime(int stepsDone, double secondsSoFar, double budgetSeconds, double? secondsPerStep = null)
    {
        double speed = secondsPerStep ?? secondsSoFar / Math.Max(1, stepsDone);
        double left = Math.Max(0, budgetSeconds - secondsSoFar) * TimeFill;
        long fit = stepsDone + (long)Math.Floor(left / Math.Max(1e-9, speed));
        int total = (int)Math.Clamp(fit, Math.Max(1, stepsDone), Ceiling);
        if (total == TotalSteps) return this with { Basis = "time" };
        return this with
        {
            TotalSteps = total, Basis = "time",
            AnchorStep = stepsDone, AnchorProgress = Math.Min(1, ScheduleStep(stepsDone) / TotalSteps),
        };
    }
}
