using System.Text.Json.Nodes;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>Alert rules, diagnostic settings and the function's container-scoped blob role, on the compiled main.bicep.</summary>
[Collection(MainTemplateCollection.Name)]
public class AlertsTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Theory]
    [InlineData("orchestration-failed", "Host.Triggers.DurableTask", "components")]
    [InlineData("cycle-failed", "autoretrain.cycle.duration", "components")]
    [InlineData("poison-queue", "webjobs-blobtrigger-poison", "logAnalyticsId")]
    public void LogAlert_QueriesItsSignal_FiresOnAnyCount(string alert, string queryHas, string scopeHas)
    {
        var rules = template.OfType("Microsoft.Insights/scheduledQueryRules").Single();
        var definition = rules.Variable("logAlerts")!.AsArray().Single(a => a!["name"]!.GetValue<string>() == alert)!;
        Assert.Contains(queryHas, definition["query"]!.GetValue<string>());
        Assert.Contains(scopeHas, definition["scope"]!.ToString());
        Assert.Equal("[format('{0}-{1}', parameters('namePrefix'), variables('logAlerts')[copyIndex()].name)]", rules.Name);
        var criterion = rules.Find("properties.criteria.allOf")!.AsArray().Single()!;
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        Assert.Equal("[variables('actions')]", rules.Text("properties.actions.actionGroups"));
    }

    [Fact]
    public void CycleFailedAlert_MatchesTheStatusTheAppRecords()
    {
        var rules = template.OfType("Microsoft.Insights/scheduledQueryRules").Single();
        string query = rules.Variable("logAlerts")!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "cycle-failed")!["query"]!.GetValue<string>();
        // PipelineMetrics.CycleFinished records the status dimension with CycleStatus names.
        Assert.Contains($"== '{AutoRetrain.Core.Cycles.CycleStatus.Failed}'", query);
        Assert.Contains("customDimensions['status']", query);
    }

    [Fact]
    public void DeadLetterAlert_OnTheSystemTopicsDeadLetteredCount()
    {
        var alert = template.Single("Microsoft.Insights/metricAlerts");
        var criterion = alert.Find("properties.criteria.allOf")!.AsArray().Single()!;
        Assert.Equal("DeadLetteredCount", criterion["metricName"]!.GetValue<string>());
        Assert.Equal("Microsoft.EventGrid/systemTopics", criterion["metricNamespace"]!.GetValue<string>());
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        Assert.Contains("Microsoft.EventGrid/systemTopics", alert.Text("properties.scopes"));
    }

    [Fact]
    public void ActionGroup_OnlyWithAnAddress()
    {
        var group = template.Single("Microsoft.Insights/actionGroups");
        Assert.Equal("[not(empty(parameters('alertEmail')))]", group.Condition);
        Assert.Equal("[parameters('alertEmail')]", group.Find("properties.emailReceivers")!.AsArray().Single()!["emailAddress"]!.ToString());
        Assert.Equal("[parameters('alertEmail')]", template.Module("alerts").Find("properties.parameters.alertEmail.value")!.ToString());
    }

    [Theory]
    [InlineData("Microsoft.Web/sites", "FunctionAppLogs")]
    [InlineData("blobServices", "StorageWrite")]
    [InlineData("queueServices", "StorageWrite")]
    [InlineData("tableServices", "StorageRead")]
    [InlineData("Microsoft.EventGrid/systemTopics", "DeliveryFailures")]
    public void DiagnosticSettings_SendLogsToLogAnalytics(string scopeHas, string category)
    {
        var setting = Assert.Single(template.OfType("Microsoft.Insights/diagnosticSettings"),
            d => d.Text("scope")!.Contains(scopeHas) && d.Find("properties.logs") is not null);
        // Written inline, or as a variable of the module (the three storage services share one list).
        var logs = setting.Find("properties.logs") as JsonArray ?? setting.Variable("storageLogs")!.AsArray();
        Assert.Contains(logs, l => l!["category"]!.GetValue<string>() == category);
        Assert.Equal("[parameters('logAnalyticsId')]", setting.Text("properties.workspaceId"));
        Assert.EndsWith("'Microsoft.Resources/deployments', 'monitoring'), '2025-04-01').outputs.logAnalyticsId.value]",
            template.Module("diagnostics").Find("properties.parameters.logAnalyticsId.value")!.ToString());
    }

    [Fact]
    public void FunctionBlobRole_ConditionLimitsBlobDataToItsContainers()
    {
        var assignment = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            r => r.Text("properties.description")!.StartsWith("function -> Storage Blob Data Contributor", StringComparison.Ordinal));
        Assert.Equal("2.0", assignment.Text("properties.conditionVersion"));
        Assert.Equal("[format('(({0}) OR ({1}))', variables('notABlobDataAction'), variables('inFunctionContainers'))]",
            assignment.Text("properties.condition"));
        // Every data action of Storage Blob Data Contributor is conditioned.
        var actions = assignment.Variable("blobDataActions")!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        foreach (string verb in new[] { "read", "write", "delete", "add/action", "move/action" })
            Assert.Contains($"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/{verb}", actions);
        // The containers: the pipeline's and the deployment package by name, the host's and the Durable hub's by prefix.
        var prefixes = assignment.Variable("functionContainerPrefixes")!.AsArray().Select(p => p!.ToString()).ToList();
        Assert.Contains("azure-webjobs-", prefixes);
        Assert.Contains("[format('{0}-', toLower(parameters('durableTaskHubName')))]", prefixes);
        Assert.Equal("[concat(parameters('pipelineContainerNames'), createArray(parameters('deploymentContainerName')))]",
            assignment.Variable("functionContainers")!.ToString());
        var passed = template.Module("pipeline-storage-roles").Find("properties.parameters")!;
        Assert.Contains("pipelineContainerNames", passed["pipelineContainerNames"]!["value"]!.ToString());
        Assert.Equal("[variables('deploymentContainerName')]", passed["deploymentContainerName"]!["value"]!.ToString());
        Assert.Equal("[parameters('durableTaskHubName')]", passed["durableTaskHubName"]!["value"]!.ToString());
        // Not the dead-letter container: only Event Grid writes there.
        Assert.DoesNotContain("deadLetter", assignment.Variable("functionContainers")!.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
