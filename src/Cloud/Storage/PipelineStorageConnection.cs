using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using AutoRetrain.Core;
using Microsoft.Extensions.Configuration;

namespace AutoRetrain.Cloud.Storage;

/// <summary>
/// The pipeline's storage account as the Functions host names a connection: a configuration section
/// (<c>PipelineStorage__blobServiceUri</c>, <c>__tableServiceUri</c>, <c>__credential</c>, <c>__clientId</c>) reached
/// with a managed identity, or, for Azurite only, the value <c>UseDevelopmentStorage=true</c>.
/// Account keys and SAS tokens are refused: the deployed account has shared-key access disabled, and a key in a
/// setting is a secret to leak.
/// </summary>
public sealed class PipelineStorageConnection
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }

    private PipelineStorageConnection(BlobServiceClient blobs, TableServiceClient tables)
    {
        Blobs = blobs;
        Tables = tables;
    }

    /// <summary>The Azurite emulator on its default 127.0.0.1 ports.</summary>
    public static PipelineStorageConnection Development() =>
        new(new BlobServiceClient(DevelopmentStorage), new TableServiceClient(DevelopmentStorage));

    public static PipelineStorageConnection FromConfiguration(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection(name);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            if (!section.Value.Trim().Equals(DevelopmentStorage, StringComparison.OrdinalIgnoreCase))
                throw new AutoRetrainException(
                    $"setting {name}: connection strings (account keys, SAS) are not accepted; set {name}__blobServiceUri, " +
                    $"{name}__tableServiceUri and {name}__credential=managedidentity, or {DevelopmentStorage} for Azurite.");
            return Development();
        }
        var blobUri = RequiredUri(section, name, "blobServiceUri");
        var tableUri = RequiredUri(section, name, "tableServiceUri");
        var credential = CredentialFor(section);
        return new(new BlobServiceClient(blobUri, credential), new TableServiceClient(tableUri, credential));
    }

    /// <summary>
    /// <c>credential=managedidentity</c> (with an optional <c>clientId</c> for a user-assigned identity) as the
    /// Functions host reads it; otherwise the developer's own sign-in through <see cref="DefaultAzureCredential"/>.
    /// </summary>
    public static TokenCredential CredentialFor(IConfigurationSection section)
    {
        string? clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
            return string.IsNullOrWhiteSpace(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    private static Uri RequiredUri(IConfigurationSection section, string name, string key)
    {
        string? value = section[key];
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
            throw new AutoRetrainException(
                $"setting {name}__{key} is {(string.IsNullOrWhiteSpace(value) ? "missing" : $"not an absolute URI (\"{value}\")")}; " +
                $"set it to the storage account's endpoint, or set {name}={DevelopmentStorage} to use Azurite.");
        return uri;
    }
}
