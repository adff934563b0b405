using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class MachineLearningTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void Workspace_HasKeyVaultStorageRegistryAndApplicationInsights()
    {
        var workspace = template.Single("Microsoft.MachineLearningServices/workspaces");
        Assert.Contains("Microsoft.KeyVault/vaults", workspace.Text("properties.keyVault"));
        Assert.Contains("Microsoft.Storage/storageAccounts", workspace.Text("properties.storageAccount"));
        Assert.Contains("Microsoft.ContainerRegistry/registries", workspace.Text("properties.containerRegistry"));
        Assert.Contains("Microsoft.Insights/components", workspace.Text("properties.applicationInsights"));
        Assert.Equal("identity", workspace.Text("properties.systemDatastoresAuthMode"));
        Assert.False(template.Single("Microsoft.ContainerRegistry/registries").Find("properties.adminUserEnabled")!.GetValue<bool>());
        Assert.True(template.Single("Microsoft.KeyVault/vaults").Find("properties.enableRbacAuthorization")!.GetValue<bool>());
    }

    [Fact]
    public void ComputeCluster_ScalesToZeroWithIdleScaleDownAndOptionalLowPriority()
    {
        var compute = template.Single("Microsoft.MachineLearningServices/workspaces/computes");
        Assert.Equal("AmlCompute", compute.Text("properties.computeType"));
        Assert.Equal(0, compute.Find("properties.properties.scaleSettings.minNodeCount")!.GetValue<int>());
        Assert.Equal("[parameters('computeMaxNodes')]", compute.Text("properties.properties.scaleSettings.maxNodeCount"));
        Assert.Equal("[parameters('computeIdleTimeBeforeScaleDown')]", compute.Text("properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown"));
        Assert.Equal("[parameters('computeVmSize')]", compute.Text("properties.properties.vmSize"));
        Assert.Equal("[if(parameters('computeLowPriority'), 'LowPriority', 'Dedicated')]", compute.Text("properties.properties.vmPriority"));
        Assert.Equal("UserAssigned", compute.Text("identity.type"));
        foreach (var parameter in new[] { "computeVmSize", "computeMaxNodes", "computeLowPriority", "computeIdleTimeBeforeScaleDown" })
        {
            Assert.Equal($"[parameters('{parameter}')]",
                template.Module("machine-learning").Find($"properties.parameters.{parameter}.value")!.ToString());
        }
        Assert.False(template.Parameters["computeLowPriority"]!["defaultValue"]!.GetValue<bool>());
    }
}
