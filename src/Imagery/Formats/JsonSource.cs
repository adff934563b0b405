using AutoRetrain.Core;
using System.Text.Json;

namespace AutoRetrain.Imagery.Formats;

/// <summary>Reading the JSON label sources (COCO, xView) element by element, so one malformed
/// annotation is reported and skipped instead of failing the whole document.</summary>
internal static class JsonSource
{
    /// <summary>
    /// Calls the handler of each named top-level array once per element, each element parsed as its own small
    /// document, so a label file of hundreds of megabytes (xView's GeoJSON, COCO's train set) is never held as
    /// one document tree. Other properties are skipped. A named array that is missing, or a property of that name that is not an
    /// array, is an error: <c>{}</c> is not an empty dataset but the wrong file.
    /// </summary>
    /// <param name="required">Arrays without which the document is not this format (default: all of them); another missing
    /// array is reported and the caller, told by the returned set, decides what its absence means.</param>
    /// <returns>The named arrays the document has.</returns>
    public static IReadOnlySet<string> ForEachItem(string path, IReadOnlyDictionary<string, Action<JsonElement>> arrays, ImportLog log,
        IReadOnlyCollection<string>? required = null)
    {
        if (!File.Exists(path))
            throw new AutoRetrainException($"{path}: the label file does not exist.");
        var bytes = File.ReadAllBytes(path);
        var json = bytes.AsSpan();
        if (json.StartsWith(Utf8Bom)) json = json[Utf8Bom.Length..];

        var found = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new AutoRetrainException($"{path}: expected a JSON object at the top level; nothing was imported.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (arrays.ContainsKey(name) && reader.TokenType != JsonTokenType.StartArray)
                    throw new AutoRetrainException(
                        $"{path}: \"{name}\" must be an array, got {reader.TokenType}; nothing was imported.");
                if (arrays.TryGetValue(name, out var handle))
                {
                    found.Add(name);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        using var item = JsonDocument.ParseValue(ref reader);
                        handle(item.RootElement);
                    }
                }
                else reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException($"{path}: malformed JSON ({ex.Message}); nothing was imported.", ex);
        }
        required ??= arrays.Keys.ToList();
        if (required.Where(k => !found.Contains(k)).ToList() is { Count: > 0 } missing)
            throw new AutoRetrainException(
                $"{path}: the document has no {string.Join(", ", missing.Select(m => $"\"{m}\""))} array; is it the right format? Nothing was imported.");
        foreach (var absent in arrays.Keys.Where(k => !found.Contains(k)))
            log.Problem(Path.GetFileName(path), null, $"the document has no \"{absent}\" array.");
        return found;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

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
