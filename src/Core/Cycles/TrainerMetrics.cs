namespace AutoRetrain.Core.Cycles;

/// <summary>Names of the metrics the trainer writes into a model's metadata that the cycle manager reads back.</summary>
public static class TrainerMetrics
{
    /// <summary>Optimiser steps the trainer took to reach the model it kept: the cost of a candidate, in units that
    /// do not depend on the machine's speed (the strategy choice divides the validation gain by it).</summary>
    public const string TrainSteps = "trainSteps";

    /// <summary>On a job's status: how many times the host started the trainer (present only when it was more than once).</summary>
    public const string Attempts = "trainerAttempts";
}

/// <summary>How the trainer's error events begin when the host may act on them.</summary>
public static class TrainerErrors
{
    /// <summary>A non-finite loss stopped the training (the message goes on with where and at which learning rate).</summary>
    public const string Diverged = "training diverged";
}
