namespace AutoRetrain.Core;

/// <summary>JSON lines (one compact document per line) with the conventions of <see cref="Json"/>.</summary>
public static class JsonLines
{
    public static string Write<T>(IEnumerable<T> items) =>
        string.Concat(items.Select(item => Json.Serialize(item, indented: false) + "\n"));

    /// <summary>
    /// Parses every non-blank line; <paramref name="validate"/> receives each item with "source line N" so its
    /// error names the line at fault.
    /// </summary>
    public static IReadOnlyList<T> Read<T>(string text, string source, Action<T, string>? validate = null)
    {
        var result = new List<T>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var where = $"{source} line {i + 1}";
            var item = Json.Deserialize<T>(lines[i], where);
            validate?.Invoke(item, where);
            result.Add(item);
        }
        return result;
    }
}
