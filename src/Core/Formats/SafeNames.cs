namespace AutoRetrain.Core.Formats;

/// <summary>
/// Names read from a source file (COCO <c>file_name</c>, xView <c>image_id</c>) are untrusted: they must
/// stay inside the source's image folder and give a plain file name in the target folder.
/// </summary>
public static class SafeNames
{
    /// <summary>Null when <paramref name="name"/> is a safe relative path; otherwise why it is refused.</summary>
    public static string? Problem(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "the image name is empty.";
        if (name.Any(char.IsControl)) return "the image name contains control characters.";
        if (Path.IsPathRooted(name) || name.StartsWith('/') || name.StartsWith('\\') || (name.Length >= 2 && name[1] == ':'))
            return $"the image name \"{name}\" is an absolute path; only names relative to the image folder are accepted.";
        var parts = name.Split('/', '\\');
        if (parts.Any(p => p == ".."))
            return $"the image name \"{name}\" climbs out of the image folder with \"..\".";
        var fileName = parts[^1];
        if (fileName.Length == 0 || fileName == "." || fileName.StartsWith('.'))
            return $"the image name \"{name}\" does not end with a file name.";
        return null;
    }

    /// <summary>The full path of <paramref name="name"/> inside <paramref name="folder"/>; null if it would leave it.</summary>
    public static string? Inside(string folder, string name)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, name.Replace('\\', '/')));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The file name part of a safe relative name: <c>train/a.png</c> → <c>a.png</c>.</summary>
    public static string FileNameOf(string name) => name.Split('/', '\\')[^1];
}
