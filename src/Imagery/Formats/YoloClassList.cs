using AutoRetrain.Core;
namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// YOLO's class names, index = class id: <c>classes.txt</c> (one name a line) or the <c>names:</c> entry of an
/// Ultralytics <c>data.yaml</c>, written as a flow list <c>[a, b]</c>, a block list (<c>- a</c>) or a map
/// (<c>0: a</c>). A deliberately small parser: only the <c>names</c> key is read.
/// </summary>
internal static class YoloClassList
{
    public static (IReadOnlyList<string> Names, string From) Find(string folder)
    {
        foreach (var candidate in new[] { "classes.txt", "labels/classes.txt", "obj.names" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
                return (File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList(), candidate);
        }
        foreach (var candidate in new[] { "data.yaml", "data.yml", "dataset.yaml" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
                return (ParseYamlNames(File.ReadAllLines(path), path), candidate);
        }
        throw new AutoRetrainException(
            $"{folder}: no class list found; put the class names in classes.txt (one a line, line 1 = class 0) or a data.yaml with \"names:\".");
    }

    internal static IReadOnlyList<string> ParseYamlNames(IReadOnlyList<string> lines, string source)
    {
        int at = -1;
        for (int i = 0; i < lines.Count && at < 0; i++)
            if (StripComment(lines[i]).TrimEnd() is var l && (l.StartsWith("names:") || l.StartsWith("names :")))
                at = i;
        if (at < 0) throw new AutoRetrainException($"{source}: no \"names:\" entry.");

        var inline = StripComment(lines[at])[(lines[at].IndexOf(':') + 1)..].Trim();
        if (inline.StartsWith('['))
        {
            var end = inline.LastIndexOf(']');
            if (end < 0) throw new AutoRetrainException($"{source}: the \"names:\" list is not closed with ].");
            return inline[1..end].Split(',').Select(Unquote).Where(n => n.Length > 0).ToList();
        }
        if (inline.Length > 0) throw new AutoRetrainException($"{source}: \"names:\" must be a list or a map, got \"{inline}\".");

        var byId = new SortedDictionary<int, string>();
        var listed = new List<string>();
        for (int i = at + 1; i < lines.Count; i++)
        {
            var raw = StripComment(lines[i]);
            if (raw.Trim().Length == 0) continue;
            if (!char.IsWhiteSpace(raw[0]) && !raw.StartsWith('-')) break; // the next top-level key
            var item = raw.Trim();
            if (item.StartsWith('-')) listed.Add(Unquote(item[1..]));
            else if (item.IndexOf(':') is > 0 and var colon && int.TryParse(item[..colon].Trim(), out var id))
                byId[id] = Unquote(item[(colon + 1)..]);
            else throw new AutoRetrainException($"{source}, line {i + 1}: \"{item}\" is neither \"- name\" nor \"id: name\".");
        }
        if (byId.Count > 0)
        {
            if (byId.Keys.Select((k, index) => k != index).Any(gap => gap))
                throw new AutoRetrainException($"{source}: the class ids under \"names:\" must be 0, 1, 2, ... without gaps.");
            return byId.Values.ToList();
        }
        return listed;
    }

    private static string StripComment(string line)
    {
        // A '#' starts a comment unless it is inside quotes; class names rarely hold one, so keep it simple.
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        return line.TrimStart().StartsWith('#') ? "" : hash >= 0 ? line[..hash] : line;
    }

    private static string Unquote(string s) => s.Trim().Trim('\'', '"').Trim();
}
