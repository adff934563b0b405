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

    /// <summary>Relative path with forward slashes, as a name inside a source folder.</summary>
    public static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
}
