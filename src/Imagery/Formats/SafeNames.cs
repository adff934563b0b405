using AutoRetrain.Core.Ports;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// Names read from a source file (COCO <c>file_name</c>, xView <c>image_id</c>) are untrusted: they must
/// stay inside the source's image folder and give a plain file name in the target folder. The rules are
/// the store's (<see cref="StoreKeys.Unsafe"/>), so what an import accepts, ingestion accepts too.
/// </summary>
public static class SafeNames
{
    /// <summary>Null when <paramref name="name"/> is a safe relative path; otherwise why it is refused.</summary>
    public static string? Problem(string name) =>
        StoreKeys.Unsafe(name) is { } why ? $"the image name \"{StoreKeys.Printable(name)}\" is unsafe: {why}" : null;

    /// <summary>The full path of <paramref name="name"/> inside <paramref name="folder"/>; null if it would leave it
    /// (a second line of defence behind <see cref="Problem"/>, against links and odd platforms).</summary>
    public static string? Inside(string folder, string name)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, name));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The file name part of a safe relative name: <c>train/a.png</c> → <c>a.png</c>.</summary>
    public static string FileNameOf(string name) => name.Split('/')[^1];
}
