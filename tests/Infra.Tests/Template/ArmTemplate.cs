using System.Text.Json.Nodes;

namespace AutoRetrain.Infra.Tests.Template;

/// <summary>A compiled ARM template with every resource of every nested deployment (Bicep module) flattened out.</summary>
public sealed class ArmTemplate
{
    public ArmTemplate(string json)
    {
        Root = JsonNode.Parse(json)!.AsObject();
        var resources = new List<ArmResource>();
        Collect(Root, "main", resources);
        Resources = resources;
    }

    public JsonObject Root { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public JsonObject Parameters => Root["parameters"]!.AsObject();

    public JsonObject Outputs => Root["outputs"]!.AsObject();

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The single resource of a type; fails with the list of what exists when there is not exactly one.</summary>
    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1,
            $"expected one {type}, found {matches.Count}: {string.Join(", ", matches.Select(m => $"{m.DeploymentName}/{m.Name}"))}");
        return matches[0];
    }

    /// <summary>The nested deployment (module) of that name.</summary>
    public ArmResource Module(string name) =>
        OfType("Microsoft.Resources/deployments").Single(d => d.Name == name);

    /// <summary>The resources declared inside one module.</summary>
    public IEnumerable<ArmResource> InModule(string moduleName) => Resources.Where(r => r.DeploymentName == moduleName);

    private static void Collect(JsonObject template, string deploymentName, List<ArmResource> into)
    {
        // Bicep emits resources as an array, or as a symbolic-name map when language version 2.0 is in use.
        IEnumerable<JsonNode?> nodes = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject map => map.Select(entry => entry.Value),
            _ => [],
        };
        foreach (var node in nodes.OfType<JsonObject>())
        {
            if (node["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }
            var resource = new ArmResource(node, template, deploymentName);
            into.Add(resource);
            if (resource.Type == "Microsoft.Resources/deployments" && resource.Find("properties.template") is JsonObject nested)
            {
                Collect(nested, resource.Name, into);
            }
        }
    }
}
