using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoRetrain.Infra.Tests.Template;

/// <summary>
/// One resource of the compiled template, with the (nested) template that declares it, so that
/// expressions such as <c>variables('x')</c> can be resolved against that template's variables.
/// </summary>
public sealed partial record ArmResource(JsonObject Node, JsonObject DeclaringTemplate, string DeploymentName)
{
    public string Type => (string)Node["type"]!;

    public string Name => (string)Node["name"]!;

    public JsonObject Properties => Node["properties"]?.AsObject() ?? [];

    public string? Condition => Node["condition"]?.ToString();

    /// <summary>The text of a property path, e.g. "properties.filter.subjectBeginsWith", or null when absent.</summary>
    public string? Text(string path) => Find(path)?.ToString();

    public JsonNode? Find(string path)
    {
        JsonNode? current = Node;
        foreach (var segment in path.Split('.'))
        {
            current = current is JsonObject obj ? obj[segment] : null;
        }
        return current;
    }

    /// <summary>Replaces each <c>variables('name')</c> that names a string variable of the declaring template by its value.</summary>
    public string ResolveVariables(string expression) =>
        VariableReference().Replace(expression, match =>
        {
            var value = DeclaringTemplate["variables"]?[match.Groups["name"].Value];
            return value is JsonValue v && v.TryGetValue<string>(out var text) ? $"'{text}'" : match.Value;
        });

    /// <summary>
    /// The value of a variable of the declaring template, following aliases such as
    /// <c>"[variables('$fxv#0')]"</c> that Bicep emits for loadJsonContent.
    /// </summary>
    public JsonNode? Variable(string name)
    {
        var value = DeclaringTemplate["variables"]?[name];
        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            var alias = VariableReference().Match(text);
            if (alias.Success && text == $"[{alias.Value}]")
            {
                return Variable(alias.Groups["name"].Value);
            }
        }
        return value;
    }

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    private static partial Regex VariableReference();
}
