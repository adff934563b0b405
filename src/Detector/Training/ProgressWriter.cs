using System.Text.Json;
using AutoRetrain.Core;

namespace AutoRetrain.Detector.Training;

/// <summary>Progress and metrics as JSON lines (<c>{"event":"epoch",...}</c>), one object a line, for any host to follow.</summary>
public sealed class ProgressWriter(TextWriter output)
{
    public static ProgressWriter Console { get; } = new(System.Console.Out);
    public static ProgressWriter Silent { get; } = new(TextWriter.Null);

    /// <summary>Writes one event and returns its line (the trainer keeps the epoch lines in <c>epochs.jsonl</c> too).</summary>
    public string Write(string eventName, IReadOnlyDictionary<string, object?> fields)
    {
        var values = new Dictionary<string, object?> { ["event"] = eventName };
        foreach (var (k, v) in fields) values[k] = v is double d && !double.IsFinite(d) ? null : v;
        string line = JsonSerializer.Serialize(values, Json.Compact);
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
        return line;
    }
}
