using System.Text.RegularExpressions;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class FunctionAppTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void Plan_IsFlexConsumptionOnLinux()
    {
        var plan = template.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Text("sku.name"));
        Assert.Equal("FlexConsumption", plan.Text("sku.tier"));
        Assert.True(plan.Find("properties.reserved")!.GetValue<bool>());
    }

    [Fact]
    public void FunctionApp_RunsDotnetIsolated10AsUserAssignedIdentityOverHttpsOnly()
    {
        var app = template.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", app.Text("kind"));
        Assert.Equal("UserAssigned", app.Text("identity.type"));
        Assert.True(app.Find("properties.httpsOnly")!.GetValue<bool>());
        Assert.Equal("1.2", app.Text("properties.siteConfig.minTlsVersion"));
        Assert.Equal("dotnet-isolated", app.Text("properties.functionAppConfig.runtime.name"));
        Assert.Equal("[parameters('dotnetVersion')]", app.Text("properties.functionAppConfig.runtime.version"));
        var version = template.Parameters["dotnetVersion"]!;
        Assert.Equal("10.0", version["defaultValue"]!.ToString());
        Assert.Equal("10.0", version["allowedValues"]!.AsArray().Select(v => (string)v!).Max(v => new Version(v))!.ToString());
    }

    [Fact]
    public void FunctionApp_DeploymentPackage_ReadWithTheManagedIdentity()
    {
        var app = template.Single("Microsoft.Web/sites");
        Assert.Equal("blobContainer", app.Text("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", app.Text("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.NotNull(app.Text("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
    }

    [Fact]
    public void FunctionApp_AzureWebJobsStorage_IsIdentityBasedForBlobQueueAndTable()
    {
        // Bicep inlines the settings object as createObject('name', value, ...) because it holds runtime values.
        var settings = template.InModule("function-app").Single(r => r.Type == "Microsoft.Web/sites/config" && r.Name.Contains("appsettings", StringComparison.Ordinal)).Text("properties")!;
        Assert.Contains("'AzureWebJobsStorage__credential', 'managedidentity'", settings);
        Assert.Contains("'AzureWebJobsStorage__clientId', reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))", settings);
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Matches(
                Regex.Escape($"'AzureWebJobsStorage__{service}ServiceUri', reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName')), ")
                + $@"'[0-9-]+'\)\.primaryEndpoints\.{service},",
                settings);
        }
        Assert.Contains("'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', format('ClientId={0};Authorization=AAD'", settings);
        Assert.DoesNotContain("'AzureWebJobsStorage',", settings);
    }

    [Fact]
    public void FunctionApp_AzdServiceTag_MatchesTheServiceInAzureYaml()
    {
        var app = template.Single("Microsoft.Web/sites");
        Assert.Contains("azd-service-name", app.Text("tags"));
        var passed = template.Module("function-app").Find("properties.parameters.azdServiceName.value")!.ToString();
        Assert.Equal("functions", passed);
        Assert.Contains($"\n  {passed}:\n", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml")));
    }
}
