using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>
/// The pipeline containers a training job reads and writes are identity-based Azure ML datastores named as the app
/// expects (AzureMachineLearning__DatastorePrefix, default autoretrain_): job URIs azureml://datastores/&lt;name&gt;/paths/...
/// </summary>
[Collection(MainTemplateCollection.Name)]
public class DatastoreTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void Datastores_RegisterTheJobContainersOfThePipelineAccountWithoutCredentials()
    {
        var datastores = template.Single("Microsoft.MachineLearningServices/workspaces/datastores");
        Assert.Equal("machine-learning-datastores", datastores.DeploymentName);
        Assert.Equal("AzureBlob", datastores.Text("properties.datastoreType"));
        Assert.Equal("None", datastores.Text("properties.credentials.credentialsType"));
        Assert.Equal("None", datastores.Text("properties.serviceDataAccessAuthIdentity"));
        Assert.Equal("https", datastores.Text("properties.protocol"));
        Assert.Contains("parameters('storageAccountName')", datastores.Text("properties.accountName"));
        Assert.Contains("parameters('datastorePrefix')", datastores.Text("name"));

        var module = template.Module("machine-learning-datastores");
        Assert.Equal(["datasets", "models", "runs"],
            module.Find("properties.parameters.containerNames.value")!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(template.Module("pipeline-storage").Find("properties.parameters.storageAccountName.value")!.ToString(),
            module.Find("properties.parameters.storageAccountName.value")!.ToString());
        Assert.Equal(template.Module("machine-learning").Find("properties.parameters.workspaceName.value")!.ToString(),
            module.Find("properties.parameters.workspaceName.value")!.ToString());
        var prefix = module.Find("properties.template.parameters.datastorePrefix.defaultValue")!.GetValue<string>();
        Assert.Equal("autoretrain_", prefix);
    }
}
