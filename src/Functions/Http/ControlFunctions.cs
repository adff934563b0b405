using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Api;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>POST /api/retrain</c>, <c>/api/pause</c>, <c>/api/resume</c> with an optional body <c>{"reason": "..."}</c>:
/// the command goes to the project's cycle manager (started if absent) as a signal; 202 once it is handed over
/// (<see cref="ProjectApi.CommandAsync"/>). Operators only (<see cref="ApiRoles.Operator"/>): a reader gets 403.
/// </summary>
public sealed class ControlFunctions(PipelineOptions options)
{
    [Function(nameof(ForceRetrain))]
    public Task<IActionResult> ForceRetrain(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "retrain")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.ForceRetrain);

    [Function(nameof(Pause))]
    public Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pause")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.Pause);

    [Function(nameof(Resume))]
    public Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resume")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.Resume);

    private async Task<IActionResult> SendAsync(HttpRequest request, DurableTaskClient durable, SignalKind kind)
    {
        if (CallerRoles.Deny(request, ApiRoles.Operator) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        using var reader = new StreamReader(request.Body);
        string body = await reader.ReadToEndAsync(ct);
        var manager = new CycleManagerClient(durable);
        return ApiResults.Of(await ProjectApi.CommandAsync(options.Project, manager, kind, body, "the API",
            async c => await manager.EnsureStartedAsync(options.InitialManagerState(), c), ct));
    }
}
