using System.Text.Json;

namespace AutoRetrain.Core.Labels;

/// <summary>A label file that cannot be read as a sidecar, with the problem code a quarantine reason carries.</summary>
public sealed class LabelFormatException(LabelProblem problem, string source)
    : AutoRetrainException($"{Ports.StoreKeys.Printable(source)}: {problem.Message}")
{
    public LabelProblem Problem { get; } = problem;
}

/// <summary>
/// The one reader of label sidecars (ingestion, the trainer's data loader, scoring): strict where a lenient reader
/// would guess. A UTF-8 byte-order mark is accepted; duplicate keys are refused (which value was meant is
/// ambiguous); <c>objects</c> must be present and a list (absent or null is a missing field, not "no objects",
/// because an empty list is a confirmed background label).
/// </summary>
public static class LabelReader
{
    /// <summary>Default largest sidecar, in bytes; a real one holds a few thousand objects in well under a megabyte.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions Strict = new(Json.Options) { AllowDuplicateProperties = false };
    private static readonly JsonDocumentOptions StrictDocument = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>Parses a sidecar's bytes; throws <see cref="LabelFormatException"/> with the precise problem.</summary>
    public static LabelFile Parse(ReadOnlySpan<byte> utf8, string source)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray(), StrictDocument);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Fail(ProblemCode.MalformedJson, $"the document must be a JSON object, got {root.ValueKind}.", source);
            if (!TryGetProperty(root, "objects", out var objects) || objects.ValueKind == JsonValueKind.Null)
                throw Fail(ProblemCode.MissingField,
                    "the \"objects\" list is missing or null (write \"objects\": [] for an image with no objects).", source);
            if (objects.ValueKind != JsonValueKind.Array)
                throw Fail(ProblemCode.MalformedJson, $"\"objects\" must be a list, got {objects.ValueKind}.", source);
            return root.Deserialize<LabelFile>(Strict)
                ?? throw Fail(ProblemCode.MalformedJson, "the JSON document is empty (null).", source);
        }
        catch (JsonException ex) when (IsDuplicateKey(ex))
        {
            throw Fail(ProblemCode.DuplicateKey, $"duplicate key in a JSON object ({ex.Message}).", source);
        }
        catch (JsonException ex)
        {
            throw Fail(ProblemCode.MalformedJson, $"malformed JSON ({ex.Message}).", source);
        }
    }

    /// <summary>Reads a sidecar from disk after checking its size against <paramref name="maxBytes"/>, so a huge file is never read.</summary>
    public static LabelFile ReadFile(string path, long maxBytes = DefaultMaxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new AutoRetrainException($"{Ports.StoreKeys.Printable(path)}: label file not found.");
        if (info.Length > maxBytes)
            throw Fail(ProblemCode.FileTooLarge, $"the label file has {info.Length:N0} bytes, above the limit of {maxBytes:N0}.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    private static bool TryGetProperty(JsonElement root, string name, out JsonElement value)
    {
        foreach (var property in root.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) { value = property.Value; return true; }
        value = default;
        return false;
    }

    private static bool IsDuplicateKey(JsonException ex) =>
        ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase);

    private static LabelFormatException Fail(ProblemCode code, string message, string source) => new(new(code, message), source);
}
