using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// Checks a request body against swagger 2.0 definitions, field by field, for the subset of the language the Azure ML
/// spec uses for jobs and environments: <c>type</c> (object, string, integer, number, boolean, array), <c>format</c>
/// (date-time, uuid, duration, int32), <c>required</c>, <c>enum</c> / <c>x-ms-enum</c> (treated as closed: a value
/// the service does not list is refused), <c>minLength</c>, <c>pattern</c> (unanchored, as in swagger), <c>allOf</c>
/// inheritance, <c>discriminator</c> resolved to the subtype whose <c>x-ms-discriminator-value</c> matches,
/// <c>additionalProperties</c> (false or a schema) and <c>readOnly</c> properties, which a request may not set.
/// A reference to a definition the extract does not hold is reported, never silently accepted.
/// Returns the problems, each with its JSON path; empty when the body conforms.
/// </summary>
public sealed class SwaggerRequestValidator(JsonObject definitions)
{
    public const string ExtractFile = "mfe-2024-04-01.jobs-extract.json";

    private static readonly Lazy<(JsonObject Document, SwaggerRequestValidator Validator)> Extract = new(() =>
    {
        var document = JsonNode.Parse(File.ReadAllText(ExtractPath()))!.AsObject();
        return (document, new SwaggerRequestValidator(document["definitions"]!.AsObject()));
    });

    /// <summary>The validator over the Azure ML 2024-04-01 extract kept next to this file.</summary>
    public static SwaggerRequestValidator AzureMl => Extract.Value.Validator;

    /// <summary>The extract's header: where the definitions were copied from, at which commit, under which licence.</summary>
    public static JsonObject AzureMlExtractHeader => Extract.Value.Document["x-extract"]!.AsObject();

    public List<string> Validate(JsonNode? body, string definition)
    {
        var problems = new List<string>();
        CheckDefinition(body, definition, "$", problems);
        return problems;
    }

    private void CheckSchema(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (value is null)
        {
            if (schema["x-nullable"]?.GetValue<bool>() != true) problems.Add($"{path}: null where a value is required");
            return;
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            CheckDefinition(value, reference["#/definitions/".Length..], path, problems);
            return;
        }
        CheckInline(value, schema, path, problems);
    }

    private void CheckDefinition(JsonNode? value, string name, string path, List<string> problems)
    {
        if (definitions[name] is not JsonObject definition)
        {
            problems.Add($"{path}: uses definition {name}, which the extract does not hold");
            return;
        }
        if (value is null)
        {
            problems.Add($"{path}: null where a {name} is required");
            return;
        }
        if (definition["discriminator"] is not null || Ancestors(name).Any(a => definitions[a]?["discriminator"] is not null))
        {
            if (ResolveSubtype(value, name, path, problems) is not { } subtype) return;
            name = subtype;
            definition = definitions[name]!.AsObject();
        }
        if (definition["properties"] is null && definition["allOf"] is null)
        {
            CheckInline(value, definition, path, problems, name);
            return;
        }
        if (value is not JsonObject obj)
        {
            problems.Add($"{path}: a {JsonKind(value)} where an object ({name}) is required");
            return;
        }
        var chain = Ancestors(name).Prepend(name).Select(n => definitions[n]!.AsObject()).ToList();
        var properties = new Dictionary<string, JsonObject>();
        foreach (var d in chain)
            foreach (var (key, schema) in d["properties"]?.AsObject() ?? [])
                properties.TryAdd(key, schema!.AsObject());
        foreach (string required in chain.SelectMany(d => d["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).Distinct())
            if (!obj.ContainsKey(required)) problems.Add($"{path}.{required}: required by {name} but missing");
        foreach (var (key, child) in obj)
        {
            string childPath = $"{path}.{key}";
            if (properties.TryGetValue(key, out var schema))
            {
                if (schema["readOnly"]?.GetValue<bool>() == true) problems.Add($"{childPath}: readOnly in {name}, refused in a request");
                else CheckSchema(child, schema, childPath, problems);
            }
            else if (definition["additionalProperties"] is JsonObject extra) CheckSchema(child, extra, childPath, problems);
            else if (definition["additionalProperties"] is JsonValue v && !v.GetValue<bool>()) problems.Add($"{childPath}: not a property of {name}");
        }
    }

    /// <summary>The definition named by the body's discriminator value among the definitions that inherit <paramref name="name"/>.</summary>
    private string? ResolveSubtype(JsonNode value, string name, string path, List<string> problems)
    {
        string? property = Ancestors(name).Prepend(name).Select(n => definitions[n]?["discriminator"]?.GetValue<string>()).FirstOrDefault(d => d is not null);
        if (property is null) return name;
        if (value is not JsonObject obj || obj[property] is not JsonValue tag || !tag.TryGetValue<string>(out var discriminator))
        {
            problems.Add($"{path}.{property}: discriminator of {name} missing or not a string");
            return null;
        }
        if (definitions[name]?["x-ms-discriminator-value"]?.GetValue<string>() == discriminator) return name;
        var matches = definitions.Where(d => d.Value?["x-ms-discriminator-value"]?.GetValue<string>() == discriminator && Ancestors(d.Key).Contains(name))
            .Select(d => d.Key).ToList();
        if (matches.Count == 1) return matches[0];
        problems.Add($"{path}.{property}: \"{discriminator}\" names no subtype of {name} in the extract");
        return null;
    }

    /// <summary>Every definition reachable through allOf, nearest first.</summary>
    private IEnumerable<string> Ancestors(string name)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([name]);
        while (queue.Count > 0)
        {
            foreach (var parent in definitions[queue.Dequeue()]?["allOf"]?.AsArray() ?? [])
            {
                string p = parent!["$ref"]!.GetValue<string>()["#/definitions/".Length..];
                if (seen.Add(p))
                {
                    yield return p;
                    queue.Enqueue(p);
                }
            }
        }
    }

    private void CheckInline(JsonNode value, JsonObject schema, string path, List<string> problems, string? name = null)
    {
        string what = name is null ? "" : $" ({name})";
        switch (schema["type"]?.GetValue<string>())
        {
            case "object":
                if (value is not JsonObject obj) { problems.Add($"{path}: a {JsonKind(value)} where an object{what} is required"); return; }
                if (schema["additionalProperties"] is JsonObject items)
                    foreach (var (key, child) in obj) CheckSchema(child, items, $"{path}.{key}", problems);
                return;
            case "array":
                if (value is not JsonArray array) { problems.Add($"{path}: a {JsonKind(value)} where an array{what} is required"); return; }
                for (int i = 0; i < array.Count; i++) CheckSchema(array[i], schema["items"]!.AsObject(), $"{path}[{i}]", problems);
                return;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{path}: a {JsonKind(value)} where a boolean{what} is required");
                return;
            case "integer":
                if (value.GetValueKind() != JsonValueKind.Number || !decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n != decimal.Truncate(n))
                    problems.Add($"{path}: a {JsonKind(value)} where an integer{what} is required");
                else if (schema["format"]?.GetValue<string>() == "int32" && (n < int.MinValue || n > int.MaxValue))
                    problems.Add($"{path}: {n} is outside int32");
                return;
            case "number":
                if (value.GetValueKind() != JsonValueKind.Number) problems.Add($"{path}: a {JsonKind(value)} where a number{what} is required");
                return;
            case "string":
                CheckString(value, schema, path, problems, what);
                return;
            default:
                problems.Add($"{path}: schema{what} has no type the validator knows");
                return;
        }
    }

    private static void CheckString(JsonNode value, JsonObject schema, string path, List<string> problems, string what)
    {
        if (value.GetValueKind() != JsonValueKind.String) { problems.Add($"{path}: a {JsonKind(value)} where a string{what} is required"); return; }
        string s = value.GetValue<string>();
        var allowed = (schema["x-ms-enum"]?["values"]?.AsArray().Select(v => v!["value"]!.GetValue<string>())
                       ?? schema["enum"]?.AsArray().Select(v => v!.GetValue<string>()))?.ToList();
        if (allowed is not null && !allowed.Contains(s, StringComparer.Ordinal))
            problems.Add($"{path}: \"{s}\" is not a{what} value ({string.Join(", ", allowed)})");
        if (schema["minLength"]?.GetValue<int>() is { } min && s.Length < min) problems.Add($"{path}: shorter than {min}");
        if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(s, pattern)) problems.Add($"{path}: \"{s}\" does not match {pattern}");
        bool formatOk = schema["format"]?.GetValue<string>() switch
        {
            "uuid" => Guid.TryParseExact(s, "D", out _),
            "date-time" => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
            "duration" => TryDuration(s),
            _ => true,
        };
        if (!formatOk) problems.Add($"{path}: \"{s}\" is not a {schema["format"]}");
    }

    private static bool TryDuration(string s)
    {
        try { XmlConvert.ToTimeSpan(s); return true; }
        catch (FormatException) { return false; }
    }

    private static string JsonKind(JsonNode value) => value.GetValueKind().ToString().ToLowerInvariant();

    internal static string ExtractPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Functions.Tests", "MachineLearning", ExtractFile);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{ExtractFile} not found above {AppContext.BaseDirectory}");
    }
}
