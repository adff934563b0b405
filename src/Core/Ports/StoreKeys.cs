namespace AutoRetrain.Core.Ports;

/// <summary>
/// Where things live inside the containers. One layout for the Blob containers and the local folders.
/// </summary>
public static class StoreKeys
{
    /// <summary>An image, content-addressed: <c>tiles/ab/abcdef….png</c> in <c>datasets</c>.</summary>
    public static string Tile(string tileId, string extension) => $"tiles/{tileId[..2]}/{tileId}{extension}";

    /// <summary>A label sidecar, content-addressed by its own hash: <c>labels/12/1234….labels.json</c> in <c>datasets</c>.</summary>
    public static string Labels(string labelHash) => $"labels/{labelHash[..2]}/{labelHash}{Core.Labels.LabelFile.Suffix}";

    /// <summary>A snapshot manifest: <c>snapshots/&lt;id&gt;.json</c> in <c>datasets</c>.</summary>
    public static string Snapshot(string snapshotId) => $"snapshots/{snapshotId}.json";

    /// <summary>
    /// Refuses keys that could escape a container or confuse a file system: empty segments, "." and "..",
    /// backslashes, absolute paths, control characters. Returns the reason, or null when the key is safe.
    /// </summary>
    public static string? Unsafe(string key)
    {
        if (string.IsNullOrWhiteSpace(key)) return "the name is empty.";
        if (key.Length > 1024) return "the name is longer than 1024 characters.";
        if (key.StartsWith('/') || key.Contains('\\') || (key.Length > 1 && key[1] == ':'))
            return "absolute paths and backslashes are not allowed.";
        foreach (char c in key)
            if (char.IsControl(c)) return $"the name contains the control character U+{(int)c:X4}.";
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0) return "the name has an empty path segment (\"//\" or a trailing \"/\").";
            if (segment is "." or "..") return "path traversal (\".\" or \"..\" segments) is not allowed.";
        }
        return null;
    }

    public static void EnsureSafe(string key)
    {
        if (Unsafe(key) is { } why) throw new AutoRetrainException($"unsafe name \"{Printable(key)}\": {why}");
    }

    /// <summary>The name with control characters escaped, safe to print in an error message.</summary>
    public static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

}
