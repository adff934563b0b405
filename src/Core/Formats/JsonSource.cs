using System.Text.Json;

namespace AutoRetrain.Core.Formats;

/// <summary>Reading the JSON label sources (COCO, xView) element by element, so one malformed
/// annotation is reported and skipped instead of failing the whole document.</summary>
internal static class JsonSource
{
    public static JsonDocument Open(string path)
    {
        if (!File.Exists(path))
            throw new AutoRetrainException($"{path}: the label file does not exist.");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException($"{path}: malformed JSON ({ex.Message}); nothing was imported.", ex);
        }
    }

    public static JsonElement? Property(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static long? Integer(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    public static string? Text(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>An array of numbers, or null when the element is missing, not an array or holds a non-number.</summary>
    public static double[]? Numbers(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Array } array) return null;
        var values = new List<double>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var d) || !double.IsFinite(d)) return null;
            values.Add(d);
        }
        return values.ToArray();
    }

    /// <summary>The items of a top-level array property; empty (and reported) when it is missing.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement root, string name, string file, ImportLog log)
    {
        if (Property(root, name) is { ValueKind: JsonValueKind.Array } array) return array.EnumerateArray();
        log.Problem(file, null, $"the document has no \"{name}\" array.");
        return [];
    }

    /// <summary>The folder holding a JSON source's images: the one given, else the candidate next to the JSON
    /// file that holds most of the first referenced images, else the JSON file's own folder.</summary>
    public static string ImagesFolder(string? given, string jsonPath, IEnumerable<string> candidates, IEnumerable<string> imageNames)
    {
        if (given is not null)
            return Directory.Exists(given) ? given : throw new AutoRetrainException($"{given}: the images folder does not exist.");
        var jsonFolder = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        var sample = imageNames.Where(n => SafeNames.Problem(n) is null).Take(50).ToList();
        var best = candidates
            .Select(c => Path.GetFullPath(Path.Combine(jsonFolder, c)))
            .Select(folder => (Folder: folder, Found: sample.Count(n => SafeNames.Inside(folder, n) is string p && File.Exists(p))))
            .OrderByDescending(c => c.Found)
            .First();
        return best.Found > 0 ? best.Folder : jsonFolder;
    }
}
