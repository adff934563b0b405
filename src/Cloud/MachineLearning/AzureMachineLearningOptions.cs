using AutoRetrain.Core;

namespace AutoRetrain.Cloud.MachineLearning;

/// <summary>
/// Where, as whom and with what image training jobs are submitted: section <c>AzureMachineLearning</c>
/// (app settings <c>AzureMachineLearning__*</c>, set by infra/bicep/main.bicep).
/// </summary>
public sealed class AzureMachineLearningOptions
{
    public const string Section = "AzureMachineLearning";

    /// <summary>The Jobs API version; 2024-04-01 is the first GA version with every field used here.</summary>
    public const string DefaultApiVersion = "2024-04-01";

    public string SubscriptionId { get; set; } = "";
    public string ResourceGroup { get; set; } = "";
    public string WorkspaceName { get; set; } = "";

    /// <summary>Azure region of the workspace; it names the MLflow tracking endpoint.</summary>
    public string Region { get; set; } = "";

    public string ComputeName { get; set; } = "";

    /// <summary>Client id of the cluster's user-assigned identity, which the job runs as (reads data, writes the model).</summary>
    public string ComputeIdentityClientId { get; set; } = "";

    /// <summary>The trainer container image, <c>&lt;registry&gt;.azurecr.io/&lt;name&gt;:&lt;tag&gt;</c>.</summary>
    public string TrainerImage { get; set; } = "";

    /// <summary>
    /// Digest (<c>sha256:...</c>) of the pushed trainer image, set by the postprovision hook after <c>az acr build</c>.
    /// When set, the environment pins the image by digest and takes its version from it, so a new push (even under an
    /// old tag) makes a new environment version and a re-push of the same bytes reuses the existing one.
    /// </summary>
    public string TrainerImageDigest { get; set; } = "";

    /// <summary>The image reference the environment runs: pinned by digest when known, else the tag.</summary>
    public string TrainerImageReference
    {
        get
        {
            if (string.IsNullOrWhiteSpace(TrainerImageDigest)) return TrainerImage;
            string name = TrainerImage.Split('@')[0];
            int tag = name.LastIndexOf(':');
            if (tag > name.LastIndexOf('/')) name = name[..tag];
            return $"{name}@{TrainerImageDigest}";
        }
    }

    /// <summary>The trainer's entry point inside the image (src/TrainerContainer's command line).</summary>
    public string TrainerEntryPoint { get; set; } = "autoretrain-trainer";

    /// <summary>
    /// Blob endpoint of the pipeline storage account whose containers the job reads and writes; job URIs use it only
    /// when <see cref="DatastorePrefix"/> is empty.
    /// </summary>
    public string DataBlobServiceUri { get; set; } = "";

    /// <summary>
    /// The pipeline containers are registered in the workspace as identity-based datastores named
    /// <c>&lt;prefix&gt;&lt;container&gt;</c> (infra/bicep/modules/machinelearning/datastores.bicep), and job inputs and
    /// outputs are addressed as <c>azureml://datastores/&lt;datastore&gt;/paths/&lt;key&gt;</c>. Empty: raw
    /// <c>https://</c> blob URIs under <see cref="DataBlobServiceUri"/> (a workspace without those datastores).
    /// </summary>
    public string DatastorePrefix { get; set; } = DefaultDatastorePrefix;

    public const string DefaultDatastorePrefix = "autoretrain_";

    public string ExperimentName { get; set; } = "autoretrain";
    public string EnvironmentName { get; set; } = "autoretrain-trainer";
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Azure Resource Manager; tests point it at a loopback server.</summary>
    public string ManagementEndpoint { get; set; } = "https://management.azure.com";

    /// <summary>The workspace's MLflow tracking server; empty means the regional Azure ML endpoint.</summary>
    public string MlflowEndpoint { get; set; } = "";

    public string MlflowTrackingUri => string.IsNullOrWhiteSpace(MlflowEndpoint)
        ? $"https://{Region}.api.azureml.ms/mlflow/v1.0{WorkspaceId}"
        : MlflowEndpoint.TrimEnd('/');

    public string WorkspaceId =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{WorkspaceName}";

    public string ComputeId => $"{WorkspaceId}/computes/{ComputeName}";

    public void Validate()
    {
        var missing = new[]
        {
            (nameof(SubscriptionId), SubscriptionId), (nameof(ResourceGroup), ResourceGroup), (nameof(WorkspaceName), WorkspaceName),
            (nameof(ComputeName), ComputeName), (nameof(TrainerImage), TrainerImage),
            (nameof(DataBlobServiceUri), DatastorePrefix.Length > 0 ? "datastores" : DataBlobServiceUri),
        }.Where(s => string.IsNullOrWhiteSpace(s.Item2)).Select(s => $"{Section}__{s.Item1}").ToList();
        if (missing.Count > 0)
            throw new AutoRetrainException($"Azure ML training is not configured: missing setting(s) {string.Join(", ", missing)} " +
                                           "(infra/bicep sets them; see docs/deploy.md, \"App settings\").");
        if (!string.IsNullOrWhiteSpace(TrainerImageDigest) && !System.Text.RegularExpressions.Regex.IsMatch(TrainerImageDigest, "^sha256:[0-9a-f]{64}$"))
            throw new AutoRetrainException($"setting {Section}__{nameof(TrainerImageDigest)} = \"{TrainerImageDigest}\" is not an image digest (sha256:<64 hex digits>); " +
                                           "the postprovision hook sets it from `az acr repository show --query digest`.");
        if (DatastorePrefix.Length > 0 && !DatastorePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new AutoRetrainException($"setting {Section}__{nameof(DatastorePrefix)} = \"{DatastorePrefix}\" may hold only letters, digits and '_' (a datastore name prefix).");
        if (DatastorePrefix.Length == 0 && !Uri.TryCreate(DataBlobServiceUri, UriKind.Absolute, out _))
            throw new AutoRetrainException($"setting {Section}__{nameof(DataBlobServiceUri)} = \"{DataBlobServiceUri}\" is not an absolute URI.");
    }
}
