using System.Text.Json.Nodes;
using AutoRetrain.Cloud.MachineLearning;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Functions.Tests.MachineLearning;

public sealed class AzureMlTrainingBackendTests
{
    internal static TrainingJobSpec Spec(string? baseModel = "m-0001", string? weights = "cycle-2/weights-uniform.json") => new()
    {
        CycleId = "default-cycle-0002",
        Candidate = "repeat-factor",
        SnapshotKey = "snapshots/abc123.json",
        BaseModelKey = baseModel,
        WeightsKey = weights,
        OutputModelKey = "m-0002",
        Config = new TrainingConfig { Sampler = "repeat-factor", Epochs = 12, LearningRate = 0.0005, Seed = 7 },
        ConfigKey = CycleKeys.TrainingConfig("default-cycle-0002", "repeat-factor"),
    };

    [Fact]
    public async Task SubmitAsync_WarmStart_SendsAnEnvironmentVersionAndACommandJobThatMatchTheRestSchema()
    {
        await using var aml = new FakeAzureMachineLearning();

        string jobId = await aml.Backend.SubmitAsync(Spec());

        Assert.Equal("default-cycle-0002-repeat-factor", jobId);
        var requests = aml.Server.Requests;
        var environment = Assert.Single(requests, r => r.Method == "PUT" && r.Path.Contains("/environments/"));
        Assert.Empty(JobsRestSchema.EnvironmentVersionProblems(environment));
        Assert.Equal("crtest.azurecr.io/autoretrain-trainer:0.1.0", environment.Body!["properties"]!["image"]!.GetValue<string>());

        var put = Assert.Single(requests, r => r.Method == "PUT" && r.Path.EndsWith("/jobs/" + jobId));
        Assert.Empty(JobsRestSchema.CommandJobProblems(put, aml.Options.WorkspaceId));
        Assert.Contains("api-version=2024-04-01", put.Query);
        var p = put.Body!["properties"]!;
        Assert.Equal(aml.Options.WorkspaceId + "/computes/gpu-cluster", p["computeId"]!.GetValue<string>());
        Assert.Equal(environment.Path, p["environmentId"]!.GetValue<string>());
        Assert.Equal("uri_folder", p["inputs"]!["dataset"]!["jobInputType"]!.GetValue<string>());
        Assert.Equal("azureml://datastores/autoretrain_datasets/paths/", p["inputs"]!["dataset"]!["uri"]!.GetValue<string>());
        Assert.Equal("azureml://datastores/autoretrain_runs/paths/cycles/default-cycle-0002/repeat-factor/training-config.json",
            p["inputs"]!["config"]!["uri"]!.GetValue<string>());
        Assert.Equal("azureml://datastores/autoretrain_models/paths/m-0001/", p["inputs"]!["base_model"]!["uri"]!.GetValue<string>());
        Assert.Equal("azureml://datastores/autoretrain_runs/paths/cycle-2/weights-uniform.json", p["inputs"]!["weights"]!["uri"]!.GetValue<string>());
        Assert.Equal("azureml://datastores/autoretrain_models/paths/m-0002/", p["outputs"]!["model"]!["uri"]!.GetValue<string>());
        Assert.Equal("Upload", p["outputs"]!["model"]!["mode"]!.GetValue<string>());
        Assert.Equal("uri_folder", p["outputs"]!["model"]!["jobOutputType"]!.GetValue<string>());
        string command = p["command"]!.GetValue<string>();
        // The trainer command line of src/Detector/CommandLine/TrainCommand.cs.
        Assert.StartsWith("autoretrain-trainer train --data ${{inputs.dataset}}/snapshots/abc123.json --out ${{outputs.model}}", command);
        Assert.Contains("--config ${{inputs.config}}", command);
        Assert.Contains("--cycle-id default-cycle-0002", command);
        Assert.Contains("--device cuda", command);
        Assert.Contains("--base-model ${{inputs.base_model}}", command);
        Assert.Contains("--weights ${{inputs.weights}}", command);
        Assert.Contains("--epochs 12", command);
        Assert.Equal("Managed", p["identity"]!["identityType"]!.GetValue<string>());
        Assert.Equal(aml.Options.ComputeIdentityClientId, p["environmentVariables"]!["AZURE_CLIENT_ID"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubmitAsync_NoDatastorePrefix_AddressesTheBlobContainersDirectly()
    {
        await using var aml = new FakeAzureMachineLearning();
        aml.Options.DatastorePrefix = "";

        await aml.Backend.SubmitAsync(Spec());

        var p = Assert.Single(aml.Server.Requests, r => r.Method == "PUT" && r.Path.Contains("/jobs/")).Body!["properties"]!;
        Assert.Equal("https://sttest.blob.core.windows.net/datasets/", p["inputs"]!["dataset"]!["uri"]!.GetValue<string>());
        Assert.Equal("https://sttest.blob.core.windows.net/models/m-0002/", p["outputs"]!["model"]!["uri"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("auto-retrain_", "", "AzureMachineLearning__DatastorePrefix")]
    [InlineData("", "", "AzureMachineLearning__DataBlobServiceUri")]
    public async Task SubmitAsync_BadDatastoreSettings_NamesTheSetting(string prefix, string blobUri, string setting)
    {
        await using var aml = new FakeAzureMachineLearning();
        aml.Options.DatastorePrefix = prefix;
        aml.Options.DataBlobServiceUri = blobUri;

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => aml.Backend.SubmitAsync(Spec()));

        Assert.Contains(setting, ex.Message);
        Assert.Empty(aml.Server.Requests);
    }

    [Fact]
    public async Task SubmitAsync_FirstCycle_DeclaresNoBaseModelOrWeightsInput()
    {
        await using var aml = new FakeAzureMachineLearning();

        await aml.Backend.SubmitAsync(Spec(baseModel: null, weights: null));

        var put = Assert.Single(aml.Server.Requests, r => r.Method == "PUT" && r.Path.Contains("/jobs/"));
        var inputs = put.Body!["properties"]!["inputs"]!.AsObject();
        Assert.Equal(["config", "dataset"], inputs.Select(i => i.Key).Order());
        Assert.DoesNotContain("--base-model", put.Body!["properties"]!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubmitAsync_RetriedAfterTheJobWasCreated_DoesNotCreateItAgain()
    {
        await using var aml = new FakeAzureMachineLearning();
        string first = await aml.Backend.SubmitAsync(Spec());
        aml.JobStatuses[first] = "Running";

        string second = await aml.Backend.SubmitAsync(Spec());

        Assert.Equal(first, second);
        Assert.Single(aml.Server.Requests, r => r.Method == "PUT" && r.Path.Contains("/jobs/"));
        Assert.Equal("Running", aml.JobStatuses[first]);
    }

    [Theory]
    [InlineData("NotStarted", TrainingJobState.Queued)]
    [InlineData("Provisioning", TrainingJobState.Queued)]
    [InlineData("Queued", TrainingJobState.Queued)]
    [InlineData("Running", TrainingJobState.Running)]
    [InlineData("Finalizing", TrainingJobState.Running)]
    [InlineData("CancelRequested", TrainingJobState.Running)]
    [InlineData("Completed", TrainingJobState.Completed)]
    [InlineData("Failed", TrainingJobState.Failed)]
    [InlineData("NotResponding", TrainingJobState.Failed)]
    [InlineData("Canceled", TrainingJobState.Canceled)]
    public async Task GetStatusAsync_AzureMlStatus_MapsToTheMonitorsState(string amlStatus, TrainingJobState expected)
    {
        await using var aml = new FakeAzureMachineLearning();
        string jobId = await aml.Backend.SubmitAsync(Spec());
        aml.JobStatuses[jobId] = amlStatus;

        var status = await aml.Backend.GetStatusAsync(jobId);

        Assert.Equal(expected, status.State);
        Assert.Equal(jobId, status.JobId);
        Assert.Contains(amlStatus, status.Message);
    }

    [Fact]
    public async Task GetStatusAsync_JobThatDoesNotExist_IsFailed()
    {
        await using var aml = new FakeAzureMachineLearning();
        var status = await aml.Backend.GetStatusAsync("never-submitted");
        Assert.Equal(TrainingJobState.Failed, status.State);
        Assert.Contains("does not exist", status.Message);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_PostsTheCancelActionAndTheJobEndsCanceled()
    {
        await using var aml = new FakeAzureMachineLearning();
        string jobId = await aml.Backend.SubmitAsync(Spec());
        aml.JobStatuses[jobId] = "Running";

        await aml.Backend.CancelAsync(jobId);

        var cancel = Assert.Single(aml.Server.Requests, r => r.Method == "POST");
        Assert.EndsWith($"/jobs/{jobId}/cancel", cancel.Path);
        Assert.Empty(JobsRestSchema.CommonProblems(cancel));
        Assert.Equal(TrainingJobState.Running, (await aml.Backend.GetStatusAsync(jobId)).State);
        aml.JobStatuses[jobId] = "Canceled";
        Assert.Equal(TrainingJobState.Canceled, (await aml.Backend.GetStatusAsync(jobId)).State);
    }

    [Fact]
    public async Task GetStatusAsync_ThrottledThenUnavailable_RetriesHonouringRetryAfterThenBackingOff()
    {
        await using var aml = new FakeAzureMachineLearning();
        string jobId = await aml.Backend.SubmitAsync(Spec());
        aml.JobStatuses[jobId] = "Running";
        int before = aml.Server.Requests.Count;
        aml.ScriptedFailures.Enqueue(new LoopbackResponse(429, FakeAzureMachineLearning.Error("TooManyRequests", "slow down"),
            new Dictionary<string, string> { ["Retry-After"] = "7" }));
        aml.ScriptedFailures.Enqueue(new LoopbackResponse(503, FakeAzureMachineLearning.Error("ServiceUnavailable", "busy")));

        var status = await aml.Backend.GetStatusAsync(jobId);

        Assert.Equal(TrainingJobState.Running, status.State);
        Assert.Equal(3, aml.Server.Requests.Count - before);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(2)], aml.Delays);
    }

    [Fact]
    public async Task GetStatusAsync_UnavailableOnEveryAttempt_FailsNamingTheStatusAndAttempts()
    {
        await using var aml = new FakeAzureMachineLearning();
        for (int i = 0; i < 6; i++)
            aml.ScriptedFailures.Enqueue(new LoopbackResponse(503, FakeAzureMachineLearning.Error("ServiceUnavailable", "down for maintenance")));

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => aml.Backend.GetStatusAsync("job-1"));

        Assert.Contains("503", ex.Message);
        Assert.Contains("6 attempts", ex.Message);
        Assert.Contains("down for maintenance", ex.Message);
        Assert.Equal(5, aml.Delays.Count);
    }

    [Fact]
    public async Task SubmitAsync_RejectedRequest_FailsWithTheServiceMessageWithoutRetrying()
    {
        await using var aml = new FakeAzureMachineLearning();
        aml.ScriptedFailures.Enqueue(new LoopbackResponse(400, FakeAzureMachineLearning.Error("UserError", "image not found in registry")));

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => aml.Backend.SubmitAsync(Spec()));

        Assert.Contains("UserError: image not found in registry", ex.Message);
        Assert.Empty(aml.Delays);
    }

    [Fact]
    public async Task SubmitAsync_MissingSettings_NamesTheSettings()
    {
        await using var aml = new FakeAzureMachineLearning();
        aml.Options.TrainerImage = "";
        aml.Options.ComputeName = " ";

        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => aml.Backend.SubmitAsync(Spec()));

        Assert.Contains("AzureMachineLearning__ComputeName", ex.Message);
        Assert.Contains("AzureMachineLearning__TrainerImage", ex.Message);
        Assert.Empty(aml.Server.Requests);
    }
}
