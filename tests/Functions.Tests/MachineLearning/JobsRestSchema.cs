using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// What an Azure ML request must satisfy (Jobs - Create Or Update / CommandJob, Environment Versions - Create Or
/// Update, api-version 2024-04-01): the body field by field against the published definitions
/// (<see cref="SwaggerRequestValidator.AzureMl"/>), plus what the schema cannot say (the environment and compute are
/// the workspace's, every <c>${{inputs.x}}</c> in the command is declared); returns what is wrong, empty when it conforms.
/// </summary>
public static partial class JobsRestSchema
{
    public static List<string> CommonProblems(RecordedRequest request)
    {
        var problems = new List<string>();
        var apiVersion = Regex.Match(request.Query, @"(^|&)api-version=(\d{4}-\d{2}-\d{2})(-preview)?(&|$)");
        if (!apiVersion.Success) problems.Add("api-version query parameter missing or malformed");
        else if (string.CompareOrdinal(apiVersion.Groups[2].Value, "2024-04-01") < 0) problems.Add($"api-version {apiVersion.Groups[2].Value} predates 2024-04-01");
        if (request.Authorization is not { } auth || !auth.StartsWith("Bearer ", StringComparison.Ordinal)) problems.Add("no bearer token");
        if (request.Body is not null && request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            problems.Add("a body without Content-Type application/json");
        return problems;
    }

    public static List<string> EnvironmentVersionProblems(RecordedRequest request)
    {
        var problems = CommonProblems(request);
        problems.AddRange(SwaggerRequestValidator.AzureMl.Validate(request.Body, "EnvironmentVersionResource"));
        if (request.Body?["properties"]?["image"]?.GetValue<string>() is not { Length: > 0 }) problems.Add("properties.image missing");
        return problems;
    }

    public static List<string> CommandJobProblems(RecordedRequest request, string workspaceId)
    {
        var problems = CommonProblems(request);
        problems.AddRange(SwaggerRequestValidator.AzureMl.Validate(request.Body, "JobBaseResource"));
        var p = request.Body?["properties"] as JsonObject;
        if (p is null) return [.. problems, "properties missing"];
        if (Str(p, "jobType") != "Command") problems.Add("properties.jobType is not Command");
        string command = Str(p, "command") ?? "";
        if (Str(p, "environmentId") is not { } env || !env.StartsWith($"{workspaceId}/environments/", StringComparison.Ordinal) || !env.Contains("/versions/"))
            problems.Add("properties.environmentId is not an environment version of the workspace");
        if (Str(p, "computeId") is not { } compute || !compute.StartsWith($"{workspaceId}/computes/", StringComparison.Ordinal))
            problems.Add("properties.computeId is not a compute of the workspace");

        var inputs = p["inputs"] as JsonObject ?? [];
        var outputs = p["outputs"] as JsonObject ?? [];
        foreach (Match m in Placeholder().Matches(command))
        {
            var declared = m.Groups[1].Value == "inputs" ? inputs : outputs;
            if (!declared.ContainsKey(m.Groups[2].Value)) problems.Add($"command refers to undeclared {m.Groups[1].Value}.{m.Groups[2].Value}");
        }
        return problems;
    }

    private static string? Str(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    [GeneratedRegex(@"\$\{\{(inputs|outputs)\.([A-Za-z0-9_]+)\}\}")]
    private static partial Regex Placeholder();
}
