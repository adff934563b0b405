using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AutoRetrain.Functions.Http;

/// <summary>
/// <c>POST /api/retrain</c>, <c>/api/pause</c>, <c>/api/resume</c> with an optional body <c>{"reason": "..."}</c>:
/// the command goes to the project's cycle manager (started if absent) as a signal; 202 once it is handed over.
/// Operators only (<see cref="ApiRoles.Operator"/>): a reader gets 403.
/// </summary>
public sealed class ControlFunctions(PipelineOptions options)
{
    [Function(nameof(ForceRetrain))]
    public Task<IActionResult> ForceRetrain(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "retrain")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.ForceRetrain, "retrain");

    [Function(nameof(Pause))]
    public Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pause")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.Pause, "pause");

    [Function(nameof(Resume))]
    public Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resume")] HttpRequest request,
        [DurableClient] DurableTaskClient durable) =>
        SendAsync(request, durable, SignalKind.Resume, "resume");

    private async Task<IActionResult> SendAsync(HttpRequest request, DurableTaskClient durable, SignalKind kind, string command)
    {
        if (CallerRoles.Deny(request, ApiRoles.Operator) is { } denied) return denied;
        var ct = request.HttpContext.RequestAborted;
        string? reason;
        try
        {
            reason = await ReadReasonAsync(request, ct);
        }
        catch (AutoRetrainException ex)
        {
            return ApiResults.Error(ApiResults.StatusCodes.BadRequest, "invalidBody", ex.Message);
        }
        var manager = new CycleManagerClient(durable);
        await manager.EnsureStartedAsync(options.InitialManagerState(), ct);
        await manager.SignalAsync(options.Project, new ManagerSignal(kind, Reason: reason ?? $"{command} requested through the API"), ct);
        return ApiResults.Ok(new CommandAccepted(options.Project, command, reason), ApiResults.StatusCodes.Accepted);
    }

    /// <summary>The body is optional; when present it must be a JSON object whose <c>reason</c> is a string of at most 500 characters.</summary>
    private static async Task<string?> ReadReasonAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        string text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return null;
        CommandRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<CommandRequest>(text, Json.Options);
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException($"the body is not the JSON object {{\"reason\": \"...\"}}: {ex.Message}");
        }
        if (body?.Reason is { Length: > 500 })
            throw new AutoRetrainException($"\"reason\" has {body.Reason.Length} characters; at most 500 are kept.");
        return string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();
    }
}
