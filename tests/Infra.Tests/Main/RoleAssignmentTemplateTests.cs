using System.Text.RegularExpressions;
using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public partial class RoleAssignmentTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    private const string FunctionIdentity = "parameters('functionIdentityName')";
    private const string ComputeIdentity = "parameters('computeIdentityName')";

    /// <summary>Every role the deployment grants: who, which built-in role, on what. Nothing more, nothing less.</summary>
    public static TheoryData<string, string, string, string> ExpectedAssignments() => new()
    {
        { "function -> Storage Blob Data Contributor on pipeline storage, its containers only", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", FunctionIdentity, "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))" },
        { "function -> Storage Queue Data Contributor on pipeline storage", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", FunctionIdentity, "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))" },
        { "function -> Storage Table Data Contributor on pipeline storage", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", FunctionIdentity, "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))" },
        { "function -> AzureML Data Scientist on ML workspace", "f6c7c914-8db3-469d-8ca1-694a8f32e121", FunctionIdentity, "resourceId('Microsoft.MachineLearningServices/workspaces', parameters('workspaceName'))" },
        { "function -> Monitoring Metrics Publisher on Application Insights", "3913510d-42f4-4e42-8a64-420c390055eb", FunctionIdentity, "resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))" },
        { "compute -> AcrPull on container registry", "7f951dda-4ed3-4680-a7ca-43fe172d538d", ComputeIdentity, "resourceId('Microsoft.ContainerRegistry/registries', parameters('containerRegistryName'))" },
        { "compute -> Storage Blob Data Reader on datasets container", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", ComputeIdentity, "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', 'datasets')" },
        { "compute -> Storage Blob Data Contributor on models container", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", ComputeIdentity, "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', 'models')" },
        { "compute -> Storage Blob Data Contributor on runs container", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", ComputeIdentity, "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', 'runs')" },
        { "compute -> Storage Blob Data Contributor on ML workspace storage", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", ComputeIdentity, "resourceId('Microsoft.Storage/storageAccounts', parameters('workspaceStorageAccountName'))" },
        { "eventGrid -> Storage Blob Data Contributor on dead-letter container", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "parameters('eventGridSystemTopicName')", "resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', parameters('deadLetterContainerName'))" },
        { "deployer -> Storage Blob Data Contributor on pipeline storage", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "parameters('deployerPrincipalId')", "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))" },
    };

    [Theory]
    [MemberData(nameof(ExpectedAssignments))]
    public void RoleAssignment_Expected_GrantsThatRoleToThatPrincipalOnThatScope(
        string description, string roleId, string principal, string scope)
    {
        var assignment = Assert.Single(RoleAssignments(), r => r.Text("properties.description") == description);
        Assert.Equal($"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleId}')]",
            assignment.ResolveVariables(assignment.Text("properties.roleDefinitionId")!));
        Assert.Contains(principal, assignment.Text("properties.principalId"));
        Assert.Equal($"[{scope}]", assignment.Text("scope"));
        // Named guid(scope, principal, role): deterministic, and unique per principal and role on a scope.
        var name = assignment.ResolveVariables(assignment.Name);
        Assert.StartsWith($"[guid({scope}, ", name);
        Assert.EndsWith($", '{roleId}')]", name);
        Assert.Contains(principal, name);
    }

    [Fact]
    public void RoleAssignments_All_AreInTheExpectedTable()
    {
        var expected = ExpectedAssignments().Select(row => (string)row[0]).Order().ToList();
        var actual = RoleAssignments().Select(r => r.Text("properties.description")!).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RoleAssignments_ForManagedIdentities_DeclareServicePrincipal()
    {
        foreach (var assignment in RoleAssignments().Where(r => !r.Text("properties.description")!.StartsWith("deployer")))
        {
            Assert.Equal("ServicePrincipal", assignment.Text("properties.principalType"));
        }
    }

    [Fact]
    public void RoleModules_IdentityNames_AreTheIdentitiesMainCreates()
    {
        Assert.Equal("[variables('names').functionIdentity]", template.Module("identities").Find("properties.parameters.functionIdentityName.value")!.ToString());
        Assert.Equal("[variables('names').computeIdentity]", template.Module("identities").Find("properties.parameters.computeIdentityName.value")!.ToString());
        foreach (var module in new[] { "pipeline-storage-roles", "monitoring-roles", "machine-learning-roles", "function-app" })
        {
            var passed = template.Module(module).Find("properties.parameters")!.AsObject();
            var functionIdentity = passed["functionIdentityName"] ?? passed["identityName"];
            Assert.Equal("[variables('names').functionIdentity]", functionIdentity!["value"]!.ToString());
        }
        foreach (var module in new[] { "pipeline-storage-roles", "machine-learning-roles", "machine-learning" })
        {
            Assert.Equal("[variables('names').computeIdentity]", template.Module(module).Find("properties.parameters.computeIdentityName.value")!.ToString());
        }
    }

    [Fact]
    public void RoleAssignments_None_GrantsBroadControlPlaneRoles()
    {
        // Owner, Contributor, User Access Administrator.
        string[] broad = ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];
        foreach (var assignment in RoleAssignments())
        {
            var role = RoleGuid().Match(assignment.ResolveVariables(assignment.Text("properties.roleDefinitionId")!)).Value;
            Assert.DoesNotContain(role, broad);
        }
    }

    private IEnumerable<ArmResource> RoleAssignments() => template.OfType("Microsoft.Authorization/roleAssignments");

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex RoleGuid();
}
