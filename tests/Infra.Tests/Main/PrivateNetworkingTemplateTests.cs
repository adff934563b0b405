using System.Text.Json.Nodes;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>
/// The optional private networking (enablePrivateNetworking): off by default, and when on a virtual network, private
/// endpoints with their DNS zones, the function app integrated, the storage firewall closed and Azure ML's managed network.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public class PrivateNetworkingTemplateTests(MainTemplateFixture fixture)
{
    private const string On = "[parameters('enablePrivateNetworking')]";
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void PrivateNetworking_Parameter_IsABoolOffByDefault()
    {
        var parameter = template.Parameters["enablePrivateNetworking"]!;
        Assert.Equal("bool", parameter["type"]!.ToString());
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());
        Assert.Equal(On, template.Outputs["PRIVATE_NETWORKING"]!["value"]!.ToString());
    }

    [Fact]
    public void PrivateNetwork_Module_DeployedOnlyWhenOn()
    {
        Assert.Equal(On, template.Module("private-network").Condition);
        // Nothing of the network exists outside that module, so off deploys none of it.
        foreach (var type in new[] { "Microsoft.Network/virtualNetworks", "Microsoft.Network/privateEndpoints", "Microsoft.Network/privateDnsZones" })
            Assert.All(template.OfType(type), r => Assert.Equal("private-network", r.DeploymentName));
    }

    [Fact]
    public void VirtualNetwork_Subnets_OneDelegatedToFlexConsumptionOneForEndpoints()
    {
        var network = template.Single("Microsoft.Network/virtualNetworks");
        var subnets = network.Find("properties.subnets")!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal(2, subnets.Count);
        Assert.Equal("Microsoft.App/environments", subnets[0]["properties"]!["delegations"]![0]!["properties"]!["serviceName"]!.ToString());
        Assert.Equal("Disabled", subnets[1]["properties"]!["privateEndpointNetworkPolicies"]!.ToString());
        Assert.NotEqual(subnets[0]["properties"]!["addressPrefix"]!.ToString(), subnets[1]["properties"]!["addressPrefix"]!.ToString());
        var passed = template.Module("private-network").Find("properties.parameters")!;
        Assert.Equal("snet-functions", ResolvedName(passed["functionSubnetName"]!["value"]!.ToString()));
    }

    [Fact]
    public void PrivateEndpoints_StorageBlobQueueAndTable_EachWithItsPrivateDnsZone()
    {
        var endpoints = template.Single("Microsoft.Network/privateEndpoints");
        var services = endpoints.Variable("storageServices")!.AsArray().Select(s => (string)s!).ToList();
        Assert.Equal(["blob", "queue", "table"], services);
        Assert.NotNull(endpoints.Node["copy"]);
        var connection = endpoints.Find("properties.privateLinkServiceConnections")![0]!["properties"]!;
        Assert.Contains("Microsoft.Storage/storageAccounts", connection["privateLinkServiceId"]!.ToString());
        Assert.Equal("[variables('storageServices')[copyIndex()]]", connection["groupIds"]![0]!.ToString());

        var zones = template.Single("Microsoft.Network/privateDnsZones");
        Assert.Equal("[format('privatelink.{0}.{1}', variables('storageServices')[copyIndex()], environment().suffixes.storage)]", zones.Name);
        Assert.Equal("global", zones.Text("location"));
        var link = template.Single("Microsoft.Network/privateDnsZones/virtualNetworkLinks");
        Assert.False(link.Find("properties.registrationEnabled")!.GetValue<bool>());
        var group = template.Single("Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
        Assert.Contains("Microsoft.Network/privateDnsZones", group.Find("properties.privateDnsZoneConfigs")![0]!["properties"]!["privateDnsZoneId"]!.ToString());
    }

    [Fact]
    public void PipelineStorage_Firewall_DeniesPublicCallersOnlyWhenOn()
    {
        var module = template.Module("pipeline-storage");
        Assert.Equal(On, module.Find("properties.parameters.denyPublicNetworkAccess.value")!.ToString());
        var account = Assert.Single(template.InModule("pipeline-storage"), r => r.Type == "Microsoft.Storage/storageAccounts");
        Assert.Equal("[if(parameters('denyPublicNetworkAccess'), 'Deny', 'Allow')]", account.Text("properties.networkAcls.defaultAction"));
        Assert.Equal("AzureServices", account.Text("properties.networkAcls.bypass"));
        Assert.Contains("parameters('denyPublicNetworkAccess')", account.Text("properties.networkAcls.resourceAccessRules"));
        Assert.Contains("Microsoft.MachineLearningServices/workspaces",
            module.Find("properties.parameters.trustedResourceIds.value")!.ToJsonString());
        Assert.False(module.Find("properties.template.parameters.denyPublicNetworkAccess.defaultValue")!.GetValue<bool>());
    }

    [Fact]
    public void FunctionApp_VirtualNetwork_IntegratedWithTheFunctionSubnetOnlyWhenOn()
    {
        var module = template.Module("function-app");
        string subnet = module.Find("properties.parameters.virtualNetworkSubnetId")!.ToString();
        Assert.StartsWith("[if(parameters('enablePrivateNetworking')", subnet);
        Assert.Contains("'Microsoft.Network/virtualNetworks/subnets', variables('names').virtualNetwork, variables('names').functionSubnet", subnet);
        Assert.EndsWith("createObject('value', ''))]", subnet);
        Assert.Contains(module.Node["dependsOn"]!.AsArray(), d => d!.ToString().Contains("'private-network'", StringComparison.Ordinal));
        var app = template.Single("Microsoft.Web/sites");
        Assert.Equal("[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            app.Text("properties.virtualNetworkSubnetId"));
    }

    [Fact]
    public void MachineLearningWorkspace_ManagedNetwork_PrivateEndpointToPipelineBlobsOnlyWhenOn()
    {
        var module = template.Module("machine-learning");
        Assert.StartsWith("[if(parameters('enablePrivateNetworking')", module.Find("properties.parameters.pipelineStorageAccountId")!.ToString());
        var workspace = template.Single("Microsoft.MachineLearningServices/workspaces");
        string managed = workspace.Text("properties.managedNetwork")!;
        Assert.StartsWith("[if(empty(parameters('pipelineStorageAccountId')), null(),", managed);
        Assert.Contains("'PrivateEndpoint'", managed);
        Assert.Contains("'subresourceTarget', 'blob'", managed);
    }

    [Fact]
    public void FunctionApp_PipelineStorage_NamesItsQueueEndpointForThePoisonQueue()
    {
        // src/Functions reads the blob trigger's poison queue at PipelineStorage__queueServiceUri (ServiceRegistration.PoisonQueueFrom).
        var settings = template.Module("function-app").Find("properties.parameters.additionalAppSettings.value")!.AsObject();
        Assert.EndsWith("outputs.queueEndpoint.value]", settings["PipelineStorage__queueServiceUri"]!.ToString());
        foreach (var service in new[] { "blob", "table" })
            Assert.EndsWith($"outputs.{service}Endpoint.value]", settings[$"PipelineStorage__{service}ServiceUri"]!.ToString());
        string code = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Functions", "ServiceRegistration.cs"));
        Assert.Contains("section[\"queueServiceUri\"]", code);
    }

    /// <summary>A value passed as <c>variables('names').x</c>, resolved against main's names.</summary>
    private string ResolvedName(string expression)
    {
        const string prefix = "[variables('names').";
        Assert.StartsWith(prefix, expression);
        return template.Root["variables"]!["names"]![expression[prefix.Length..^1]]!.ToString();
    }
}
