using System.Net;
using System.Text.Json.Nodes;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Cloud.MachineLearning;

/// <summary>
/// Training on Azure ML compute through the REST API (no Azure ML .NET SDK is available): submit creates the trainer's
/// environment version (idempotent) and a command job named after the cycle and candidate; status reads the job;
/// cancel posts the job's cancel action. The orchestration polls with durable timers.
/// </summary>
public sealed class AzureMlTrainingBackend(AzureRestClient rest, AzureMachineLearningOptions options) : ITrainingBackend
{
    public async Task<string> SubmitAsync(TrainingJobSpec spec, CancellationToken ct = default)
    {
        options.Validate();
        await rest.SendAsync(HttpMethod.Put, Url(CommandJobBody.EnvironmentId(options)), CommandJobBody.Environment(options), ct);
        string name = CommandJobBody.JobNameFor(spec);
        // A retried submission (the first response was lost) finds its job and does not submit it again.
        var (existing, _) = await rest.SendAsync(HttpMethod.Get, Url(JobId(name)), null, ct);
        if (existing != HttpStatusCode.NotFound) return name;
        await rest.SendAsync(HttpMethod.Put, Url(JobId(name)), CommandJobBody.Job(options, spec), ct);
        return name;
    }

    public async Task<TrainingJobStatus> GetStatusAsync(string jobId, CancellationToken ct = default)
    {
        var (status, body) = await rest.SendAsync(HttpMethod.Get, Url(JobId(jobId)), null, ct);
        if (status == HttpStatusCode.NotFound)
            return new TrainingJobStatus(jobId, TrainingJobState.Failed, Message: $"Azure ML job {jobId} does not exist in workspace {options.WorkspaceName}.");
        string? amlStatus = body?["properties"]?["status"]?.GetValue<string>();
        var state = JobStatusMapping.StateOf(amlStatus);
        return new TrainingJobStatus(jobId, state, state == TrainingJobState.Completed ? 1 : 0, $"Azure ML status: {amlStatus ?? "(none)"}");
    }

    public async Task CancelAsync(string jobId, CancellationToken ct = default)
    {
        // 202 Accepted: the job moves to CancelRequested, then Canceled. A job that is gone needs no cancelling.
        await rest.SendAsync(HttpMethod.Post, Url($"{JobId(jobId)}/cancel"), null, ct);
    }

    private string JobId(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new AutoRetrainException($"\"{name}\" is not an Azure ML job name (letters, digits, '-' and '_').");
        return $"{options.WorkspaceId}/jobs/{name}";
    }

    private string Url(string resourceId) =>
        $"{options.ManagementEndpoint.TrimEnd('/')}{resourceId}?api-version={Uri.EscapeDataString(options.ApiVersion)}";
}
