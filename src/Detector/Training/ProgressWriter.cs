using System.Text.Json;
using AutoRetrain.Core;

namespace AutoRetrain.Detector.Training;

/// <summary>Progress and metrics as JSON lines (<c>{"event":"epoch",...}</c>), one object a line, for any host to follow.</summary>
public sealed class ProgressWriter(TextWriter output)
{
    public static ProgressWriter Console { get; } = new(System.Console.Out);
    public static ProgressWriter Silent { get; } = new(TextWriter.Null);

    public void Write(string eventName, IReadOnlyDictionary<string, object?> fields)
    {
        var line = new Dictionary<string, object?> { ["event"] = eventName };
        foreach (var (k, v) in fields) line[k] = v is double d && !double.IsFinite(d) ? null : v;
        lock (output)
        {
            output.WriteLine(JsonSerializer.Serialize(line, Json.Compact));
            output.Flush();
        }
    }
}
