using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoRetrain.Core;

/// <summary>The JSON conventions of every contract file AutoRetrain reads and writes.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Same conventions, one line per document (JSON lines, progress streams).</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Serialize<T>(T value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? Options : Compact);

    public static T Deserialize<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new AutoRetrainException($"{source}: the JSON document is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException($"{source}: malformed JSON ({ex.Message}).", ex);
        }
    }
}
