using System.Runtime.CompilerServices;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Local.Storage;

/// <summary>
/// The artifact store as a folder tree with the Blob containers' layout: <c>root/&lt;container&gt;/&lt;key&gt;</c>.
/// Writes go to a temporary file first and are moved into place, so a reader never sees half a file.
/// </summary>
public sealed class FolderArtifactStore : IArtifactStore
{
    /// <summary>Suffix of a file still being written; never listed.</summary>
    private const string PartialSuffix = ".arpartial";

    public string Root { get; }

    public FolderArtifactStore(string root)
    {
        Root = Path.GetFullPath(root);
        foreach (var container in Containers.All)
            Directory.CreateDirectory(Path.Combine(Root, container));
    }

    public string PathOf(string container, string key)
    {
        if (!Containers.All.Contains(container))
            throw new AutoRetrainException($"unknown container \"{container}\"; expected one of {string.Join(", ", Containers.All)}.");
        StoreKeys.EnsureSafe(key);
        return Path.Combine(Root, container, key.Replace('/', Path.DirectorySeparatorChar));
    }

    public async Task<bool> PutAsync(string container, string key, ReadOnlyMemory<byte> content, bool overwrite = true, CancellationToken ct = default)
    {
        string path = PathOf(container, key);
        if (!overwrite && File.Exists(path)) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.{Guid.NewGuid():N}{PartialSuffix}";
        await File.WriteAllBytesAsync(temp, content.ToArray(), ct);
        try
        {
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            // Lost a race with an identical content-addressed write: the blob is there, which is all that matters.
            File.Delete(temp);
            return false;
        }
    }

    public async Task<byte[]?> GetAsync(string container, string key, CancellationToken ct = default)
    {
        string path = PathOf(container, key);
        try { return await File.ReadAllBytesAsync(path, ct); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    public Task<bool> ExistsAsync(string container, string key, CancellationToken ct = default) =>
        Task.FromResult(File.Exists(PathOf(container, key)));

    public Task<bool> DeleteAsync(string container, string key, CancellationToken ct = default)
    {
        string path = PathOf(container, key);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        string dir = Path.Combine(Root, container);
        if (!Directory.Exists(dir)) yield break;
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            if (file.EndsWith(PartialSuffix, StringComparison.Ordinal)) continue;
            string key = Path.GetRelativePath(dir, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return key;
        }
        await Task.CompletedTask;
    }
}
