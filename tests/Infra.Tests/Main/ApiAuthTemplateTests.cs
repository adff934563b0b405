using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

/// <summary>The HTTP API behind App Service Authentication (Entra ID) with reader and operator app roles; no basic auth.</summary>
[Collection(MainTemplateCollection.Name)]
public class ApiAuthTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void AuthSettings_RequireAnEntraTokenAndLeaveOnlyTheBlobWebhookOut()
    {
        var auth = template.OfType("Microsoft.Web/sites/config").Single(r => r.Name.Contains("authsettingsV2", StringComparison.Ordinal));
        Assert.True(auth.Find("properties.platform.enabled")!.GetValue<bool>());
        Assert.True(auth.Find("properties.globalValidation.requireAuthentication")!.GetValue<bool>());
        Assert.Equal("Return401", auth.Text("properties.globalValidation.unauthenticatedClientAction"));
        Assert.Equal(["/runtime/webhooks/blobs"], auth.Find("properties.globalValidation.excludedPaths")!.AsArray().Select(p => (string)p!));
        Assert.Equal("[parameters('apiClientId')]", auth.Text("properties.identityProviders.azureActiveDirectory.registration.clientId"));
        Assert.Contains("/v2.0", auth.Text("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer"));
        Assert.Contains("api://", auth.Text("properties.identityProviders.azureActiveDirectory.validation.allowedAudiences"));
        Assert.Equal("[parameters('apiClientId')]", template.Module("function-app").Text("properties.parameters.apiClientId.value"));
        Assert.Equal("${API_CLIENT_ID=}", File.ReadAllText(Path.Combine(RepositoryPaths.BicepFolder, "main.parameters.json"))
            .Split('\n').SkipWhile(l => !l.Contains("\"apiClientId\"")).Skip(1).First().Split('"')[3]);
    }

    [Fact]
    public void AppRoles_ReaderAndOperator_AreWhatTheFunctionsCheck()
    {
        // loadJsonContent compiles to a variable the output refers to.
        string reference = template.Outputs["API_APP_ROLES"]!["value"]!.ToString();
        string variable = reference.Split('\'')[1];
        var roles = template.Root["variables"]![variable]!.ToString();
        Assert.Contains("\"AutoRetrain.Reader\"", roles);
        Assert.Contains("\"AutoRetrain.Operator\"", roles);
        var hook = File.ReadAllText(Path.Combine(RepositoryPaths.HooksFolder, "preprovision.sh"));
        Assert.Contains("--app-roles \"@${roles_file}\"", hook);
        Assert.Contains("infra/auth/api-app-roles.json", hook);
    }

    [Fact]
    public void BasicPublishingCredentials_AreOffForScmAndFtp()
    {
        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False(p.Find("properties.allow")!.GetValue<bool>()));
        Assert.Contains(policies, p => p.Name.Contains("scm", StringComparison.Ordinal));
        Assert.Contains(policies, p => p.Name.Contains("ftp", StringComparison.Ordinal));
    }
}
