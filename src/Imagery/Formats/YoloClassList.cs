using System.Globalization;
using AutoRetrain.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// YOLO's class names, index = class id: <c>classes.txt</c> (one name a line) or the <c>names:</c> entry of an
/// Ultralytics <c>data.yaml</c>, written as a flow list <c>[a, b]</c>, a block list (<c>- a</c>) or a map
/// (<c>0: a</c>, block or flow <c>{0: a, 1: b}</c>). The YAML is read with a YAML parser; only <c>names</c> is used.
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
                return (ParseYamlNames(File.ReadAllText(path), path), candidate);
        }
        throw new AutoRetrainException(
            $"{folder}: no class list found; put the class names in classes.txt (one a line, line 1 = class 0) or a data.yaml with \"names:\".");
    }

    internal static IReadOnlyList<string> ParseYamlNames(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new AutoRetrainException($"{source}, line {ex.Start.Line}: not valid YAML ({ex.Message}).");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new AutoRetrainException($"{source}: expected a YAML map with a \"names:\" entry.");
        if (!root.Children.TryGetValue(new YamlScalarNode("names"), out var names))
            throw new AutoRetrainException($"{source}: no \"names:\" entry.");

        switch (names)
        {
            case YamlSequenceNode list:
                return list.Children.Select((item, i) => Name(item, $"{source}: names[{i}]")).ToList();
            case YamlMappingNode map:
                var byId = new SortedDictionary<int, string>();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } k } || !int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                        throw new AutoRetrainException($"{source}, line {key.Start.Line}: class ids under \"names:\" must be integers, got \"{key}\".");
                    byId[id] = Name(value, $"{source}: names[{id}]");
                }
                if (byId.Keys.Select((k, index) => k != index).Any(gap => gap))
                    throw new AutoRetrainException($"{source}: the class ids under \"names:\" must be 0, 1, 2, ... without gaps.");
                return byId.Values.ToList();
            default:
                throw new AutoRetrainException($"{source}, line {names.Start.Line}: \"names:\" must be a list or a map, got \"{names}\".");
        }
    }

    private static string Name(YamlNode node, string where) =>
        node is YamlScalarNode { Value: { } value } && value.Trim().Length > 0
            ? value.Trim()
            : throw new AutoRetrainException($"{where}: a class name must be a non-empty text, got \"{node}\".");
}
