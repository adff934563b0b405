using System.Text.Json.Serialization;

namespace AutoRetrain.Core.Labels;

/// <summary>
/// The label sidecar <c>name.labels.json</c> written next to <c>name.png</c> (or .jpg, .tif).
/// The format is documented for labelling teams in docs/label-format.md.
/// </summary>
public sealed record LabelFile
{
    public const string Suffix = ".labels.json";
    public const int CurrentVersion = 1;

    /// <summary>Format version; 1 today.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>File name of the image these labels describe (no folders).</summary>
    public required string Image { get; init; }

    /// <summary>Image width in pixels, as the labeller saw it. Checked against the image when present.</summary>
    public int? Width { get; init; }

    /// <summary>Image height in pixels. Checked against the image when present.</summary>
    public int? Height { get; init; }

    /// <summary>Where the labels came from (an importer name, a labelling tool). Informational.</summary>
    public string? Source { get; init; }

    public IReadOnlyList<LabelObject> Objects { get; init; } = [];

    /// <summary>The sidecar name for an image file name: the image extension is replaced,
    /// <c>a.png</c> → <c>a.labels.json</c>.</summary>
    public static string SidecarNameFor(string imageFileName) =>
        Path.GetFileNameWithoutExtension(imageFileName) + Suffix;

    public static bool IsSidecarName(string fileName) =>
        fileName.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The stem shared by an image and its sidecar: <c>a.png</c> and <c>a.labels.json</c> → <c>a</c>.</summary>
    public static string StemOf(string fileName) =>
        IsSidecarName(fileName) ? fileName[..^Suffix.Length] : Path.GetFileNameWithoutExtension(fileName);

    /// <summary>
    /// What pairs an image with its sidecar when they arrive separately: the relative name without the
    /// image extension or the sidecar suffix, folders kept, so <c>batch-1/a.png</c> and
    /// <c>batch-1/a.labels.json</c> pair and <c>batch-2/a.png</c> does not.
    /// </summary>
    public static string PairingKeyOf(string relativeName)
    {
        string name = relativeName.Replace('\\', '/');
        if (IsSidecarName(name)) return name[..^Suffix.Length];
        int slash = name.LastIndexOf('/');
        int dot = name.LastIndexOf('.');
        return dot > slash + 1 ? name[..dot] : name;
    }

    public IReadOnlyDictionary<string, int> ClassCounts() =>
        Objects.GroupBy(o => o.Class, StringComparer.Ordinal)
               .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

/// <summary>One labelled object: a class name and its box, optionally the oriented polygon it came from.</summary>
public sealed record LabelObject
{
    [JsonPropertyName("class")]
    public required string Class { get; init; }

    /// <summary><c>[xmin, ymin, xmax, ymax]</c> in pixels, origin top-left.</summary>
    public required double[] Box { get; init; }

    /// <summary>Optional polygon <c>[[x, y], ...]</c> (for example DOTA's 4 corners), in pixels.</summary>
    public double[][]? Polygon { get; init; }

    /// <summary>Hard to recognise (DOTA's difficult flag); kept, and excluded from nothing by default.</summary>
    public bool? Difficult { get; init; }

    [JsonIgnore]
    public BoundingBox Bounds => BoundingBox.FromArray(Box);

    public static LabelObject Of(string cls, BoundingBox box, IReadOnlyList<PointD>? polygon = null, bool? difficult = null) => new()
    {
        Class = cls,
        Box = box.ToArray(),
        Polygon = polygon?.Select(p => new[] { p.X, p.Y }).ToArray(),
        Difficult = difficult,
    };
}
