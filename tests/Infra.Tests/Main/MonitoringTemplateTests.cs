using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class MonitoringTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void ApplicationInsights_LocalAuthDisabledAndWorkspaceBased()
    {
        var insights = template.Single("Microsoft.Insights/components");
        Assert.True(insights.Find("properties.DisableLocalAuth")!.GetValue<bool>());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", insights.Text("properties.WorkspaceResourceId"));
        template.Single("Microsoft.OperationalInsights/workspaces");
    }

    [Theory]
    [InlineData("autoretrain.tiles.ingested")]
    [InlineData("autoretrain.tiles.quarantined")]
    [InlineData("autoretrain.decisions")]
    [InlineData("autoretrain.cycle.duration")]
    [InlineData("autoretrain.model.promoted.map")]
    public void Workbook_Queries_ChartEveryPipelineMetric(string metricName)
    {
        var workbook = template.Single("Microsoft.Insights/workbooks");
        Assert.Contains("variables('workbookContent')", workbook.Text("properties.serializedData"));
        var queries = workbook.Variable("workbookContent")!["items"]!.AsArray()
            .Select(item => item!["content"]?["query"]?.ToString())
            .OfType<string>()
            .ToList();
        Assert.Contains(queries, q => q.Contains($"name == '{metricName}'"));
        Assert.Contains("Microsoft.Insights/components", workbook.Text("properties.sourceId"));
    }
}
