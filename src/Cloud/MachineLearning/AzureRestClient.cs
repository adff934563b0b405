using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using AutoRetrain.Core;

namespace AutoRetrain.Cloud.MachineLearning;

/// <summary>
/// JSON over HTTPS to Azure with an Entra token (managed identity in the cloud), retrying throttling (429) and
/// server errors (500, 502, 503, 504) with the server's Retry-After when it gives one, else exponential back-off.
/// </summary>
public sealed class AzureRestClient(HttpClient http, TokenCredential credential, string scope = AzureRestClient.ManagementScope)
{
    public const string ManagementScope = "https://management.azure.com/.default";

    public int MaxRetries { get; init; } = 5;
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How the client waits between attempts; tests record the delays instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string uri, JsonNode? body, CancellationToken ct)
    {
        string? payload = body?.ToJsonString();
        for (int attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), ct);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (payload is not null) request.Content = new StringContent(payload, Encoding.UTF8, "application/json");

            using var response = await http.SendAsync(request, ct);
            string text = await response.Content.ReadAsStringAsync(ct);
            if (IsRetryable(response.StatusCode) && attempt < MaxRetries)
            {
                await Delay(DelayFor(response, attempt), ct);
                continue;
            }
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                throw new AutoRetrainException(
                    $"{method} {Redacted(uri)} failed with {(int)response.StatusCode} {response.StatusCode}" +
                    $"{(attempt > 0 ? $" after {attempt + 1} attempts" : "")}: {ErrorMessageOf(text)}");
            return (response.StatusCode, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
        }
    }

    private static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    /// <summary>Retry-After as seconds or as a date (RFC 9110), else 1 s, 2 s, 4 s, ... capped at <see cref="MaxDelay"/>.</summary>
    internal TimeSpan DelayFor(HttpResponseMessage response, int attempt)
    {
        var retryAfter = response.Headers.RetryAfter;
        TimeSpan? asked = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        var delay = asked ?? TimeSpan.FromTicks(FirstBackoff.Ticks << Math.Min(attempt, 16));
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        return delay > MaxDelay ? MaxDelay : delay;
    }

    /// <summary>ARM and MLflow errors: <c>{"error": {"code", "message"}}</c> or <c>{"error_code", "message"}</c>.</summary>
    private static string ErrorMessageOf(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            var error = node?["error"];
            string? code = error?["code"]?.GetValue<string>() ?? node?["error_code"]?.GetValue<string>();
            string? message = error?["message"]?.GetValue<string>() ?? node?["message"]?.GetValue<string>();
            if (message is not null) return code is null ? message : $"{code}: {message}";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
        }
        return text.Length > 500 ? text[..500] : text;
    }

    private static string Redacted(string uri) => uri.Split('?')[0];
}
