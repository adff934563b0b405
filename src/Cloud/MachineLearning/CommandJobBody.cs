using System.Globalization;
using System.Text.Json.Nodes;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Cloud.MachineLearning;

/// <summary>
/// The Azure ML REST bodies (Jobs - Create Or Update, Environment Versions - Create Or Update) for one candidate's
/// training: a command job that runs the trainer image on the cluster, as the cluster's identity, with the
/// <c>datasets</c> container and the snapshot manifest as read-only inputs and the model folder as an uploaded output,
/// each addressed through the container's identity-based datastore (<c>azureml://datastores/&lt;name&gt;/paths/&lt;key&gt;</c>).
/// </summary>
public static class CommandJobBody
{
    /// <summary>
    /// The job name: the cycle and candidate, so a retried submission updates the same job instead of starting a
    /// second one. Job names allow letters, digits, '-' and '_'.
    /// </summary>
    public static string JobNameFor(TrainingJobSpec spec)
    {
        string raw = $"{spec.CycleId}-{spec.Candidate}";
        var safe = new string(raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '-').ToArray());
        // Long or rewritten names get a hash suffix so two different candidates never collide.
        return safe.Length <= 200 && safe == raw.ToLowerInvariant() ? safe : $"{safe[..Math.Min(safe.Length, 180)]}-{ContentHash.Of(raw)[..12]}";
    }

    /// <summary>
    /// Environment versions are immutable: the version is the image digest when it is known (a new push is a new
    /// version, the same bytes the same one); without a digest, a hash of the tag reference (then a re-push under the
    /// same tag is not seen: the hooks tag images with the git commit for that reason).
    /// </summary>
    public static string EnvironmentVersionFor(AzureMachineLearningOptions o) => string.IsNullOrWhiteSpace(o.TrainerImageDigest)
        ? ContentHash.Of(o.TrainerImage)[..16]
        : $"sha256-{o.TrainerImageDigest["sha256:".Length..][..16]}";

    public static string EnvironmentId(AzureMachineLearningOptions o) =>
        $"{o.WorkspaceId}/environments/{o.EnvironmentName}/versions/{EnvironmentVersionFor(o)}";

    public static JsonObject Environment(AzureMachineLearningOptions o) => new()
    {
        ["properties"] = new JsonObject
        {
            ["image"] = o.TrainerImageReference,
            ["osType"] = "Linux",
            ["description"] = "AutoRetrain trainer (src/TrainerContainer)",
        },
    };

    public static JsonObject Job(AzureMachineLearningOptions o, TrainingJobSpec spec)
    {
        // The trainer resolves a snapshot's image and label keys against the folder above snapshots/,
        // which is the mounted datasets container.
        var inputs = new JsonObject
        {
            ["dataset"] = Input("uri_folder", DataUri(o, Containers.Datasets, "")),
        };
        var config = spec.Config;
        var command = new List<string>
        {
            o.TrainerEntryPoint, "train",
            "--data", "${{inputs.dataset}}/" + spec.SnapshotKey,
            "--out", "${{outputs.model}}",
            "--epochs", config.Epochs.ToString(CultureInfo.InvariantCulture),
            "--cycle-id", spec.CycleId,
            "--device", "cuda",
        };
        if (spec.ConfigKey is { } configKey)
        {
            inputs["config"] = Input("uri_file", DataUri(o, Containers.Runs, configKey));
            command.AddRange(["--config", "${{inputs.config}}"]);
        }
        if (spec.BaseModelKey is { } baseModel)
        {
            inputs["base_model"] = Input("uri_folder", DataUri(o, Containers.Models, $"{baseModel.TrimEnd('/')}/"));
            command.AddRange(["--base-model", "${{inputs.base_model}}"]);
        }
        if (spec.WeightsKey is { } weights)
        {
            inputs["weights"] = Input("uri_file", DataUri(o, Containers.Runs, weights));
            command.AddRange(["--weights", "${{inputs.weights}}"]);
        }

        var identity = new JsonObject { ["identityType"] = "Managed" };
        var environmentVariables = new JsonObject();
        if (!string.IsNullOrWhiteSpace(o.ComputeIdentityClientId))
        {
            identity["clientId"] = o.ComputeIdentityClientId;
            // The node may carry several identities; the trainer's own storage and MLflow calls pick this one.
            environmentVariables["AZURE_CLIENT_ID"] = o.ComputeIdentityClientId;
        }

        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["jobType"] = "Command",
                ["displayName"] = $"{spec.CycleId} / {spec.Candidate}",
                ["experimentName"] = o.ExperimentName,
                ["description"] = $"AutoRetrain cycle {spec.CycleId}, candidate {spec.Candidate}",
                ["tags"] = new JsonObject { ["autoretrain.cycle"] = spec.CycleId, ["autoretrain.candidate"] = spec.Candidate },
                ["computeId"] = o.ComputeId,
                ["environmentId"] = EnvironmentId(o),
                ["command"] = string.Join(' ', command.Select(Quote)),
                ["inputs"] = inputs,
                ["outputs"] = new JsonObject
                {
                    ["model"] = new JsonObject
                    {
                        ["jobOutputType"] = "uri_folder",
                        ["uri"] = DataUri(o, Containers.Models, $"{spec.OutputModelKey.TrimEnd('/')}/"),
                        ["mode"] = "Upload",
                    },
                },
                ["identity"] = identity,
                ["environmentVariables"] = environmentVariables,
                ["resources"] = new JsonObject { ["instanceCount"] = 1 },
            },
        };
    }

    /// <summary>
    /// Where a key of a pipeline container is, for a job: the container's datastore (the documented form
    /// <c>azureml://datastores/&lt;datastore&gt;/paths/&lt;path&gt;</c>), or the blob URL when no datastore prefix is set.
    /// Folder keys end with '/'.
    /// </summary>
    public static string DataUri(AzureMachineLearningOptions o, string container, string key) => o.DatastorePrefix.Length > 0
        ? $"azureml://datastores/{o.DatastorePrefix}{container}/paths/{key}"
        : $"{o.DataBlobServiceUri.TrimEnd('/')}/{container}/{key}";

    private static JsonObject Input(string type, string uri) => new()
    {
        ["jobInputType"] = type,
        ["uri"] = uri,
        ["mode"] = "ReadOnlyMount",
    };

    /// <summary>Shell quoting for values that need it; the <c>${{...}}</c> placeholders stay bare for Azure ML to replace.</summary>
    private static string Quote(string arg) =>
        arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:${}=+,@".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
