using AutoRetrain.Core.Ingestion;
using System.Globalization;

namespace AutoRetrain.Imagery.Formats;

/// <summary>Helpers shared by the line-based label formats (YOLO, DOTA).</summary>
internal static class TextLines
{
    public static bool IsImage(string path) => IngestionService.IsImageName(path);

    public static string[] Fields(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses every field as a finite number (invariant culture); null if any is not one.</summary>
    public static double[]? Numbers(IEnumerable<string> fields)
    {
        var values = new List<double>();
        foreach (var f in fields)
        {
            if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return null;
            values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>
    /// The objects read from a label file, or null (the image is imported unlabelled, no sidecar) when the file had
    /// object lines and not one of them was valid: an empty list would be a confirmed background label, which a file
    /// full of errors is not. An empty file stays an empty list (the formats' way of saying "no objects").
    /// </summary>
    public static List<SourceObject>? NothingValid(List<SourceObject> objects, int objectLines, string file, ImportLog log)
    {
        if (objects.Count > 0 || objectLines == 0) return objects;
        log.Problem(file, null, $"none of its {objectLines} object lines is valid: the image is imported without labels, not as background.");
        return null;
    }

    /// <summary>Relative path with forward slashes, as a name inside a source folder.</summary>
    public static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
}
