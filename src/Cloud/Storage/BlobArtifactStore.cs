using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Cloud.Storage;

/// <summary>
/// The artifact store on Blob Storage: one Blob container per pipeline container, keys as blob names.
/// A write with overwrite off is a conditional create (If-None-Match: *), so two concurrent content-addressed
/// writes of the same key leave one blob and exactly one of them reports that it wrote it.
/// </summary>
public sealed class BlobArtifactStore(BlobServiceClient service) : IArtifactStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _containers = new();

    public async Task<bool> PutAsync(string container, string key, ReadOnlyMemory<byte> content, bool overwrite = true, CancellationToken ct = default)
    {
        var blob = (await ContainerAsync(container, ct)).GetBlobClient(Checked(key));
        var options = new BlobUploadOptions();
        if (!overwrite) options.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, ct);
            return true;
        }
        catch (RequestFailedException ex) when (!overwrite && ex.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<byte[]?> GetAsync(string container, string key, CancellationToken ct = default)
    {
        var blob = (await ContainerAsync(container, ct)).GetBlobClient(Checked(key));
        try
        {
            var result = await blob.DownloadContentAsync(ct);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string container, string key, CancellationToken ct = default) =>
        (await (await ContainerAsync(container, ct)).GetBlobClient(Checked(key)).ExistsAsync(ct)).Value;

    public async Task<bool> DeleteAsync(string container, string key, CancellationToken ct = default) =>
        (await (await ContainerAsync(container, ct)).GetBlobClient(Checked(key)).DeleteIfExistsAsync(cancellationToken: ct)).Value;

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        var client = await ContainerAsync(container, ct);
        await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
            yield return item.Name;
    }

    /// <summary>The container, created on first use (once per store instance).</summary>
    private Task<BlobContainerClient> ContainerAsync(string container, CancellationToken ct)
    {
        if (!Containers.All.Contains(container))
            throw new AutoRetrainException($"unknown container \"{container}\"; expected one of {string.Join(", ", Containers.All)}.");
        var lazy = _containers.GetOrAdd(container, name => new Lazy<Task<BlobContainerClient>>(async () =>
        {
            var client = service.GetBlobContainerClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            return client;
        }));
        var task = lazy.Value;
        // A failed creation (storage unreachable) must not be remembered for ever.
        if (task.IsFaulted) _containers.TryRemove(container, out _);
        return task.WaitAsync(ct);
    }

    private static string Checked(string key)
    {
        StoreKeys.EnsureSafe(key);
        return key;
    }
}
