using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// The parts of the Azure ML REST schema (Jobs - Create Or Update / CommandJob, Environment Versions - Create Or
/// Update, api-version 2024-04-01) that a request must satisfy; returns what is wrong, empty when it conforms.
/// </summary>
public static partial class JobsRestSchema
{
    private static readonly string[] InputTypes = ["literal", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
    private static readonly string[] OutputTypes = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model"];
    private static readonly string[] InputModes = ["ReadOnlyMount", "ReadWriteMount", "Download", "Direct", "EvalMount", "EvalDownload"];
    private static readonly string[] OutputModes = ["ReadWriteMount", "Upload", "Direct"];
    private static readonly string[] IdentityTypes = ["Managed", "AMLToken", "UserIdentity"];

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
        if (request.Body?["properties"]?["image"]?.GetValue<string>() is not { Length: > 0 }) problems.Add("properties.image missing");
        return problems;
    }

    public static List<string> CommandJobProblems(RecordedRequest request, string workspaceId)
    {
        var problems = CommonProblems(request);
        var p = request.Body?["properties"] as JsonObject;
        if (p is null) return [.. problems, "properties missing"];
        if (Str(p, "jobType") != "Command") problems.Add("properties.jobType is not Command");
        string command = Str(p, "command") ?? "";
        if (command.Length == 0) problems.Add("properties.command missing");
        if (Str(p, "environmentId") is not { } env || !env.StartsWith($"{workspaceId}/environments/", StringComparison.Ordinal) || !env.Contains("/versions/"))
            problems.Add("properties.environmentId is not an environment version of the workspace");
        if (Str(p, "computeId") is not { } compute || !compute.StartsWith($"{workspaceId}/computes/", StringComparison.Ordinal))
            problems.Add("properties.computeId is not a compute of the workspace");

        var inputs = p["inputs"] as JsonObject ?? [];
        foreach (var (name, input) in inputs)
        {
            string? type = Str(input, "jobInputType");
            if (!InputTypes.Contains(type)) problems.Add($"inputs.{name}.jobInputType \"{type}\" is not a JobInputType");
            if (type != "literal" && !Uri.TryCreate(Str(input, "uri"), UriKind.Absolute, out _)) problems.Add($"inputs.{name}.uri is not an absolute URI");
            if (Str(input, "mode") is { } mode && !InputModes.Contains(mode)) problems.Add($"inputs.{name}.mode \"{mode}\" is not an InputDeliveryMode");
        }
        var outputs = p["outputs"] as JsonObject ?? [];
        foreach (var (name, output) in outputs)
        {
            if (!OutputTypes.Contains(Str(output, "jobOutputType"))) problems.Add($"outputs.{name}.jobOutputType is not a JobOutputType");
            if (Str(output, "mode") is { } mode && !OutputModes.Contains(mode)) problems.Add($"outputs.{name}.mode \"{mode}\" is not an OutputDeliveryMode");
        }
        foreach (Match m in Placeholder().Matches(command))
        {
            var declared = m.Groups[1].Value == "inputs" ? inputs : outputs;
            if (!declared.ContainsKey(m.Groups[2].Value)) problems.Add($"command refers to undeclared {m.Groups[1].Value}.{m.Groups[2].Value}");
        }
        if (p["identity"] is JsonObject identity && !IdentityTypes.Contains(Str(identity, "identityType")))
            problems.Add("identity.identityType is not an IdentityConfigurationType");
        return problems;
    }

    private static string? Str(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    [GeneratedRegex(@"\$\{\{(inputs|outputs)\.([A-Za-z0-9_]+)\}\}")]
    private static partial Regex Placeholder();
}
