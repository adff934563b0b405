using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using AutoRetrain.Cloud.MachineLearning;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// A loopback Azure ML workspace: environment versions and jobs kept in memory, each request checked against
/// <see cref="JobsRestSchema"/> (a non-conforming request gets 400, as from ARM), and scripted failures served first.
/// </summary>
public sealed partial class FakeAzureMachineLearning : IAsyncDisposable
{
    public const string Token = "test-token";

    public AzureMachineLearningOptions Options { get; }
    public LoopbackServer Server { get; }
    public ConcurrentDictionary<string, string> JobStatuses { get; } = new();
    public ConcurrentQueue<LoopbackResponse> ScriptedFailures { get; } = new();
    public List<TimeSpan> Delays { get; } = [];
    public AzureMlTrainingBackend Backend { get; }

    public FakeAzureMachineLearning()
    {
        Server = new LoopbackServer(Handle);
        Options = SampleOptions();
        Options.ManagementEndpoint = Server.BaseUri.ToString();
        var rest = new AzureRestClient(new HttpClient(), new StaticToken())
        {
            Delay = (delay, _) => { lock (Delays) Delays.Add(delay); return Task.CompletedTask; },
        };
        Backend = new AzureMlTrainingBackend(rest, Options);
    }

    /// <summary>A configured workspace, compute, identity and image, as the app settings would give them.</summary>
    public static AzureMachineLearningOptions SampleOptions() => new()
    {
        SubscriptionId = "00000000-0000-0000-0000-000000000001",
        ResourceGroup = "rg-autoretrain",
        WorkspaceName = "mlw-test",
        Region = "westeurope",
        ComputeName = "gpu-cluster",
        ComputeIdentityClientId = "11111111-2222-3333-4444-555555555555",
        TrainerImage = "crtest.azurecr.io/autoretrain-trainer:0.1.0",
        DataBlobServiceUri = "https://sttest.blob.core.windows.net/",
    };

    private LoopbackResponse Handle(RecordedRequest request)
    {
        if (ScriptedFailures.TryDequeue(out var failure)) return failure;
        var problems = JobsRestSchema.CommonProblems(request);
        if (request.Authorization != $"Bearer {Token}") problems.Add("wrong token");
        if (!request.Path.StartsWith(Options.WorkspaceId, StringComparison.Ordinal)) problems.Add($"path {request.Path} is outside the workspace");
        string rest = request.Path[Math.Min(request.Path.Length, Options.WorkspaceId.Length)..];

        if (request.Method == "PUT" && EnvironmentPath().IsMatch(rest))
        {
            problems.AddRange(JobsRestSchema.EnvironmentVersionProblems(request));
            return problems.Count > 0 ? BadRequest(problems) : new LoopbackResponse(201, request.Body);
        }
        var job = JobPath().Match(rest);
        if (!job.Success) return new LoopbackResponse(404, Error("NotFound", $"no route for {request.Method} {request.Path}"));
        string name = job.Groups[1].Value;
        bool cancel = job.Groups[2].Success;
        switch (request.Method)
        {
            case "PUT" when !cancel:
                problems.AddRange(JobsRestSchema.CommandJobProblems(request, Options.WorkspaceId));
                if (problems.Count > 0) return BadRequest(problems);
                JobStatuses[name] = "NotStarted";
                return new LoopbackResponse(201, StatusBody(name));
            case "GET" when !cancel:
                return JobStatuses.ContainsKey(name) ? new LoopbackResponse(200, StatusBody(name)) : new LoopbackResponse(404, Error("NotFound", $"job {name}"));
            case "POST" when cancel:
                if (!JobStatuses.ContainsKey(name)) return new LoopbackResponse(404, Error("NotFound", $"job {name}"));
                JobStatuses[name] = "CancelRequested";
                return new LoopbackResponse(202, null, new Dictionary<string, string> { ["Location"] = $"{Server.BaseUri}operations/cancel-{name}" });
            default:
                return new LoopbackResponse(405, Error("MethodNotAllowed", request.Method));
        }
    }

    private JsonObject StatusBody(string name) => new() { ["name"] = name, ["properties"] = new JsonObject { ["jobType"] = "Command", ["status"] = JobStatuses[name] } };

    private static LoopbackResponse BadRequest(List<string> problems) => new(400, Error("UserError", string.Join("; ", problems)));

    public static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    [GeneratedRegex(@"^/environments/[A-Za-z0-9_.-]+/versions/[A-Za-z0-9_.-]+$")]
    private static partial Regex EnvironmentPath();

    [GeneratedRegex(@"^/jobs/([A-Za-z0-9_-]+)(/cancel)?$")]
    private static partial Regex JobPath();

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            requestContext.Scopes.SequenceEqual([AzureRestClient.ManagementScope])
                ? new(Token, DateTimeOffset.UtcNow.AddHours(1))
                : throw new InvalidOperationException($"token asked for {string.Join(",", requestContext.Scopes)}, not Azure Resource Manager");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
