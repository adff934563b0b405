using System.Text.Json.Nodes;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class StorageTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void StorageAccounts_All_RefuseKeysPublicBlobsOldTlsAndHttp()
    {
        var accounts = template.OfType("Microsoft.Storage/storageAccounts").ToList();
        Assert.Equal(2, accounts.Count); // pipeline storage and the ML workspace storage
        foreach (var account in accounts)
        {
            Assert.False(account.Find("properties.allowSharedKeyAccess")!.GetValue<bool>(), account.DeploymentName);
            Assert.False(account.Find("properties.allowBlobPublicAccess")!.GetValue<bool>(), account.DeploymentName);
            Assert.True(account.Find("properties.supportsHttpsTrafficOnly")!.GetValue<bool>(), account.DeploymentName);
            Assert.Equal("TLS1_2", account.Text("properties.minimumTlsVersion"));
        }
    }

    [Fact]
    public void PipelineStorage_Containers_AreThePipelineLayoutAndPrivate()
    {
        var containers = template.InModule("pipeline-storage")
            .Where(r => r.Type == "Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        var loop = Assert.Single(containers, c => c.Node["copy"] is not null);
        var names = loop.Variable("pipelineContainerNames")!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["incoming", "datasets", "quarantine", "models", "runs"], names);
        Assert.All(containers, c => Assert.Equal("None", c.Text("properties.publicAccess")));
    }

    [Fact]
    public void PipelineStorage_Lifecycle_DeletesQuarantineOnlyAfterRetention()
    {
        var policy = Assert.Single(template.InModule("pipeline-storage"),
            r => r.Type == "Microsoft.Storage/storageAccounts/managementPolicies");
        var rule = Assert.Single(policy.Find("properties.policy.rules")!.AsArray())!;
        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal(["quarantine/"], rule["definition"]!["filters"]!["prefixMatch"]!.AsArray().Select(p => (string)p!));
        Assert.Equal("[parameters('quarantineRetentionDays')]",
            rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]!.ToString());
        Assert.Equal(90, template.Parameters["quarantineRetentionDays"]!["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void Template_Anywhere_HoldsNoStorageKeyOrConnectionString()
    {
        Assert.DoesNotContain("listKeys(resourceId('Microsoft.Storage", fixture.Json);
        Assert.DoesNotContain("AccountKey=", fixture.Json);
        Assert.DoesNotContain("\"AzureWebJobsStorage\":", fixture.Json);
    }
}
