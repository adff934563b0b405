using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>
/// The Durable backend is the Azure Storage provider on the function app's storage account. The Durable Task Scheduler
/// option was removed: its worker extension (Microsoft.Azure.Functions.Worker.Extensions.DurableTask.AzureManaged) does not
/// restore here (NU1101), and switching the host to <c>azureManaged</c> without it would stop every orchestration.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public class DurableTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void DurableBackend_IsTheStorageProviderWithNoSchedulerSwitch()
    {
        Assert.Null(template.Parameters["durableBackend"]);
        Assert.DoesNotContain(template.Resources, r => r.Type.StartsWith("Microsoft.DurableTask/", StringComparison.Ordinal));
        var appSettings = template.Module("function-app").Find("properties.parameters.additionalAppSettings.value")!.ToString();
        Assert.DoesNotContain("azureManaged", appSettings);
        Assert.DoesNotContain("DURABLE_TASK_SCHEDULER", appSettings);
        Assert.Equal("[parameters('durableTaskHubName')]", template.Module("function-app")
            .Find("properties.parameters.additionalAppSettings.value.AzureFunctionsJobHost__extensions__durableTask__hubName")!.GetValue<string>());
        Assert.Equal("AzureStorage", template.Outputs["DURABLE_BACKEND"]!["value"]!.ToString());
    }
}
