using AutoRetrain.Core.Ports;

namespace AutoRetrain.Cloud.MachineLearning;

/// <summary>Azure ML job statuses (JobStatus in the REST API) as the training monitor sees them.</summary>
public static class JobStatusMapping
{
    public static TrainingJobState StateOf(string? status) => status switch
    {
        "NotStarted" or "Starting" or "Provisioning" or "Preparing" or "Queued" or "Paused" => TrainingJobState.Queued,
        // CancelRequested is not over yet: the monitor keeps polling until Canceled.
        "Running" or "Finalizing" or "CancelRequested" => TrainingJobState.Running,
        "Completed" => TrainingJobState.Completed,
        "Failed" or "NotResponding" => TrainingJobState.Failed,
        "Canceled" => TrainingJobState.Canceled,
        // Unknown or a status added after this code was written: keep following the job rather than give up on it.
        _ => TrainingJobState.Running,
    };
}
