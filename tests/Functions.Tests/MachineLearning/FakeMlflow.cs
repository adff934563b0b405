using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Cloud.Storage;
using AutoRetrain.Cloud.Tracking;
using Azure.Core;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// A loopback MLflow tracking server (REST API 2.0 under the Azure ML workspace path): experiments and runs in memory,
/// each request checked against the API's field types and log-batch limits (400 INVALID_PARAMETER_VALUE otherwise).
/// </summary>
public sealed class FakeMlflow : IAsyncDisposable
{
    public sealed class Run
    {
        public required string ExperimentId { get; init; }
        public ConcurrentDictionary<string, string> Params { get; } = new();
        public ConcurrentDictionary<string, string> Tags { get; } = new();
        public ConcurrentQueue<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = new();
        public string Status { get; set; } = "RUNNING";
        public long? EndTime { get; set; }
    }

    public LoopbackServer Server { get; }
    public AzureMachineLearningOptions Options { get; }
    public ConcurrentDictionary<string, string> Experiments { get; } = new();
    public ConcurrentDictionary<string, Run> Runs { get; } = new();
    public MlflowRestTracker Tracker { get; }
    private string Prefix => $"/mlflow/v1.0{Options.WorkspaceId}/api/2.0/mlflow/";

    public FakeMlflow()
    {
        Server = new LoopbackServer(Handle);
        Options = new AzureMachineLearningOptions { SubscriptionId = "sub", ResourceGroup = "rg", WorkspaceName = "mlw-test", Region = "westeurope" };
        Options.MlflowEndpoint = $"{Server.BaseUri}mlflow/v1.0{Options.WorkspaceId}";
        var rest = new AzureRestClient(new HttpClient(), new Token()) { Delay = (_, _) => Task.CompletedTask };
        Tracker = new MlflowRestTracker(rest, Options, new BlobArtifactStore(Azurite.Connect().Blobs));
    }

    private LoopbackResponse Handle(RecordedRequest r)
    {
        if (r.Authorization != "Bearer mlflow-token") return Error(401, "UNAUTHENTICATED", "no token");
        if (!r.Path.StartsWith(Prefix, StringComparison.Ordinal)) return Error(404, "ENDPOINT_NOT_FOUND", r.Path);
        string method = r.Path[Prefix.Length..];
        var b = r.Body as JsonObject;
        switch ((r.Method, method))
        {
            case ("GET", "experiments/get-by-name"):
                string name = Uri.UnescapeDataString(r.Query.Split('=', 2)[1]);
                return Experiments.TryGetValue(name, out var id)
                    ? new LoopbackResponse(200, new JsonObject { ["experiment"] = new JsonObject { ["experiment_id"] = id, ["name"] = name } })
                    : Error(404, "RESOURCE_DOES_NOT_EXIST", $"experiment {name}");
            case ("POST", "experiments/create"):
                if (Str(b, "name") is not { } newName) return Invalid("name");
                if (Experiments.ContainsKey(newName)) return Error(400, "RESOURCE_ALREADY_EXISTS", newName);
                Experiments[newName] = (Experiments.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new LoopbackResponse(200, new JsonObject { ["experiment_id"] = Experiments[newName] });
            case ("POST", "runs/create"):
                if (Str(b, "experiment_id") is not { } experiment || !Experiments.Values.Contains(experiment)) return Invalid("experiment_id");
                if (!IsInteger(b!["start_time"])) return Invalid("start_time");
                string runId = Guid.NewGuid().ToString("N");
                var run = new Run { ExperimentId = experiment };
                foreach (var tag in b["tags"]?.AsArray() ?? []) run.Tags[Str(tag, "key")!] = Str(tag, "value")!;
                Runs[runId] = run;
                return new LoopbackResponse(200, new JsonObject { ["run"] = new JsonObject { ["info"] = new JsonObject { ["run_id"] = runId } } });
            case ("POST", "runs/log-batch"):
                return LogBatch(b);
            case ("POST", "runs/update"):
                if (Str(b, "run_id") is not { } updated || !Runs.TryGetValue(updated, out var target)) return Invalid("run_id");
                if (Str(b, "status") is not ("RUNNING" or "SCHEDULED" or "FINISHED" or "FAILED" or "KILLED")) return Invalid("status");
                if (!IsInteger(b!["end_time"])) return Invalid("end_time");
                target.Status = Str(b, "status")!;
                target.EndTime = b["end_time"]!.GetValue<long>();
                return new LoopbackResponse(200, new JsonObject());
            default:
                return Error(404, "ENDPOINT_NOT_FOUND", $"{r.Method} {method}");
        }
    }

    private LoopbackResponse LogBatch(JsonObject? b)
    {
        if (Str(b, "run_id") is not { } runId || !Runs.TryGetValue(runId, out var run)) return Invalid("run_id");
        var parameters = b!["params"]?.AsArray() ?? [];
        var tags = b["tags"]?.AsArray() ?? [];
        var metrics = b["metrics"]?.AsArray() ?? [];
        if (parameters.Count > 100 || tags.Count > 100 || metrics.Count > 1000) return Invalid("batch size");
        foreach (var p in parameters.Concat(tags))
            if (Str(p, "key") is null || Str(p, "value") is null) return Invalid("key/value");
        foreach (var m in metrics)
            if (Str(m, "key") is null || m!["value"]?.GetValueKind() != JsonValueKind.Number || !IsInteger(m["timestamp"]) || !IsInteger(m["step"]))
                return Invalid("metric");
        foreach (var p in parameters) run.Params[Str(p, "key")!] = Str(p, "value")!;
        foreach (var t in tags) run.Tags[Str(t, "key")!] = Str(t, "value")!;
        foreach (var m in metrics) run.Metrics.Enqueue((Str(m, "key")!, m!["value"]!.GetValue<double>(), m["timestamp"]!.GetValue<long>(), m["step"]!.GetValue<long>()));
        return new LoopbackResponse(200, new JsonObject());
    }

    private static bool IsInteger(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out _);
    private static string? Str(JsonNode? n, string name) => n?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    private static LoopbackResponse Invalid(string field) => Error(400, "INVALID_PARAMETER_VALUE", $"bad or missing {field}");
    private static LoopbackResponse Error(int status, string code, string message) =>
        new(status, new JsonObject { ["error_code"] = code, ["message"] = message });

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("mlflow-token", DateTimeOffset.MaxValue);
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
