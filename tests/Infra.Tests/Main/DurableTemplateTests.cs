using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class DurableTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void DurableBackend_DefaultsToStorageWithSchedulerBehindTheParameter()
    {
        var backend = template.Parameters["durableBackend"]!;
        Assert.Equal("AzureStorage", backend["defaultValue"]!.ToString());
        Assert.Equal(["AzureStorage", "DurableTaskScheduler"], backend["allowedValues"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("[variables('useDurableTaskScheduler')]", template.Module("durable-task-scheduler").Condition);
        Assert.Equal("[equals(parameters('durableBackend'), 'DurableTaskScheduler')]",
            template.Root["variables"]!["useDurableTaskScheduler"]!.ToString());
    }

    [Fact]
    public void Scheduler_WhenChosen_HasATaskHubAndSwitchesTheHostByAppSettings()
    {
        template.Single("Microsoft.DurableTask/schedulers");
        Assert.Contains("parameters('taskHubName')", template.Single("Microsoft.DurableTask/schedulers/taskHubs").Name);
        var appSettings = template.Module("function-app").Find("properties.parameters.additionalAppSettings.value")!.ToString();
        Assert.Contains("if(variables('useDurableTaskScheduler'), createObject('DURABLE_TASK_SCHEDULER_CONNECTION_STRING', format('Endpoint={0};Authentication=ManagedIdentity;ClientID={1}'", appSettings);
        Assert.Contains("'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type', 'azureManaged'", appSettings);
        Assert.Contains("'AzureFunctionsJobHost__extensions__durableTask__hubName', parameters('durableTaskHubName')", appSettings);
    }
}
