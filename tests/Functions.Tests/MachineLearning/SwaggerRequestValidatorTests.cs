using System.Text.Json.Nodes;
using AutoRetrain.Cloud.MachineLearning;

namespace AutoRetrain.Functions.Tests.MachineLearning;

/// <summary>
/// The request bodies the backend builds, checked against the Azure ML 2024-04-01 definitions (the extract next to
/// this file), and the validator's own teeth: each kind of defect it exists to catch is planted in a real body.
/// </summary>
public sealed class SwaggerRequestValidatorTests
{
    private static readonly AzureMachineLearningOptions Options = FakeAzureMachineLearning.SampleOptions();

    private static JsonObject Job() => CommandJobBody.Job(Options, AzureMlTrainingBackendTests.Spec());

    private static List<string> JobProblems(JsonObject body) => SwaggerRequestValidator.AzureMl.Validate(body, "JobBaseResource");

    [Fact]
    public void Extract_NamesItsSourceCommitAndLicence()
    {
        var header = SwaggerRequestValidator.AzureMlExtractHeader;
        Assert.Equal("Azure/azure-rest-api-specs", header["repository"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{40}$", header["commit"]!.GetValue<string>());
        Assert.EndsWith("stable/2024-04-01/mfe.json", header["path"]!.GetValue<string>());
        Assert.StartsWith("MIT", header["licence"]!.GetValue<string>());
    }

    [Fact]
    public void BuiltBodies_ConformToTheDocumentedSchema()
    {
        Assert.Empty(JobProblems(Job()));
        Assert.Empty(SwaggerRequestValidator.AzureMl.Validate(CommandJobBody.Environment(Options), "EnvironmentVersionResource"));
    }

    [Fact]
    public void WrongEnumValue_IsReportedWithItsPathAndTheAllowedValues()
    {
        var body = Job();
        body["properties"]!["inputs"]!["dataset"]!["mode"] = "ReadOnly";

        var problem = Assert.Single(JobProblems(body));

        Assert.StartsWith("$.properties.inputs.dataset.mode:", problem);
        Assert.Contains("InputDeliveryMode", problem);
        Assert.Contains("ReadOnlyMount", problem);
    }

    [Fact]
    public void MissingRequiredField_IsReported()
    {
        var body = Job();
        body["properties"]!.AsObject().Remove("environmentId");

        var problem = Assert.Single(JobProblems(body));

        Assert.Equal("$.properties.environmentId: required by CommandJob but missing", problem);
    }

    [Fact]
    public void WrongType_IsReported()
    {
        var body = Job();
        body["properties"]!["resources"]!["instanceCount"] = "1";

        var problem = Assert.Single(JobProblems(body));

        Assert.StartsWith("$.properties.resources.instanceCount: a string where an integer", problem);
    }

    [Fact]
    public void UnknownProperty_IsReported()
    {
        var body = Job();
        body["properties"]!["outputs"]!["model"]!["uploadMode"] = "Upload";

        var problem = Assert.Single(JobProblems(body));

        Assert.Equal("$.properties.outputs.model.uploadMode: not a property of UriFolderJobOutput", problem);
    }

    [Fact]
    public void ReadOnlyProperty_IsRefusedInARequest()
    {
        var body = Job();
        body["properties"]!["status"] = "Running";
        body["id"] = "/subscriptions/x";

        var problems = JobProblems(body);

        Assert.Contains("$.properties.status: readOnly in CommandJob, refused in a request", problems);
        Assert.Contains("$.id: readOnly in JobBaseResource, refused in a request", problems);
        Assert.Equal(2, problems.Count);
    }

    [Theory]
    [InlineData("jobType", "Spark", "$.properties.jobType: \"Spark\" names no subtype of JobBase in the extract")]
    [InlineData("identityType", "ServicePrincipal", "$.properties.identity.identityType: \"ServicePrincipal\" names no subtype of IdentityConfiguration in the extract")]
    public void UnknownDiscriminatorValue_ResolvesNoSubtype(string field, string value, string expected)
    {
        var body = Job();
        var target = field == "jobType" ? body["properties"]! : body["properties"]!["identity"]!;
        target[field] = value;

        Assert.Equal(expected, Assert.Single(JobProblems(body)));
    }

    [Fact]
    public void DiscriminatorPicksTheSubtype_LiteralInputNeedsAValueNotAUri()
    {
        var body = Job();
        body["properties"]!["inputs"]!["dataset"]!["jobInputType"] = "literal";

        var problems = JobProblems(body);

        Assert.Contains("$.properties.inputs.dataset.value: required by LiteralJobInput but missing", problems);
        Assert.Contains("$.properties.inputs.dataset.uri: not a property of LiteralJobInput", problems);
    }

    [Fact]
    public void UuidFormat_IsChecked()
    {
        var body = Job();
        body["properties"]!["identity"]!["clientId"] = "cluster-identity";

        Assert.Equal("$.properties.identity.clientId: \"cluster-identity\" is not a uuid", Assert.Single(JobProblems(body)));
    }

    [Fact]
    public void DistributionSubtype_IsCheckedFieldByField()
    {
        var body = Job();
        body["properties"]!["distribution"] = new JsonObject { ["distributionType"] = "PyTorch", ["processCountPerInstance"] = 2 };
        Assert.Empty(JobProblems(body));

        body["properties"]!["distribution"]!["workerCount"] = 2;

        Assert.Equal("$.properties.distribution.workerCount: not a property of PyTorch", Assert.Single(JobProblems(body)));
    }

    [Fact]
    public void DefinitionOutsideTheExtract_IsReportedNotAccepted()
    {
        var problem = Assert.Single(SwaggerRequestValidator.AzureMl.Validate(Job()["properties"], "SweepJob"));

        Assert.Equal("$: uses definition SweepJob, which the extract does not hold", problem);
    }

    [Fact]
    public void Extract_IsClosedUnderItsReferences()
    {
        var extract = JsonNode.Parse(File.ReadAllText(SwaggerRequestValidator.ExtractPath()))!;
        var definitions = extract["definitions"]!.AsObject();
        var references = System.Text.RegularExpressions.Regex.Matches(definitions.ToJsonString(), "\"#/definitions/([A-Za-z0-9]+)\"")
            .Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.True(references.Count > 30, $"only {references.Count} references");
        Assert.All(references, r => Assert.True(definitions.ContainsKey(r), $"{r} is referenced but not extracted"));
    }

    [Fact]
    public void EnvironmentWithWrongOsType_IsReported()
    {
        var body = CommandJobBody.Environment(Options);
        body["properties"]!["osType"] = "linux";

        var problem = Assert.Single(SwaggerRequestValidator.AzureMl.Validate(body, "EnvironmentVersionResource"));

        Assert.StartsWith("$.properties.osType: \"linux\" is not a (OperatingSystemType) value", problem);
    }
}
