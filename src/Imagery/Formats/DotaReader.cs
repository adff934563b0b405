using AutoRetrain.Core;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// DOTA, as the DOTA devkit lays it out: <c>images/P0001.png</c> and <c>labelTxt/P0001.txt</c>. A label file may
/// start with <c>imagesource:...</c> and <c>gsd:...</c> lines; then one object a line,
/// <c>x1 y1 x2 y2 x3 y3 x4 y4 class difficult</c> (the oriented polygon's corners, the class, 1 when hard).
/// The box is the polygon's enclosing box; the polygon and the difficult flag are kept.
/// </summary>
internal static class DotaReader
{
    public static IReadOnlyList<SourceImage> Read(string source, ImportLog log)
    {
        var imagesRoot = Path.Combine(source, "images");
        var labelsRoot = Path.Combine(source, "labelTxt");
        if (!Directory.Exists(imagesRoot) || !Directory.Exists(labelsRoot))
            throw new AutoRetrainException($"{source}: a DOTA dataset needs images/ and labelTxt/ folders.");

        var imagesByStem = Directory.EnumerateFiles(imagesRoot).Where(TextLines.IsImage)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).First(), StringComparer.Ordinal);
        var labelsByStem = Directory.EnumerateFiles(labelsRoot, "*.txt")
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => p, StringComparer.Ordinal);

        foreach (var stem in labelsByStem.Keys.Where(s => !imagesByStem.ContainsKey(s)).Order(StringComparer.Ordinal))
            log.Problem($"labelTxt/{stem}.txt", null, $"no image images/{stem}.png (or .jpg, .tif) for this label file; skipped.");

        var images = new List<SourceImage>();
        foreach (var (stem, imagePath) in imagesByStem.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(imagePath);
            if (!labelsByStem.TryGetValue(stem, out var labelPath))
            {
                images.Add(new SourceImage(name, imagesRoot, null, $"dota:(no labelTxt/{stem}.txt: unlabelled)"));
                continue;
            }
            var file = $"labelTxt/{stem}.txt";
            var (objects, header) = ReadLabels(labelPath, file, log);
            images.Add(new SourceImage(name, imagesRoot, objects, $"dota:{file}{header}"));
        }
        return images;
    }

    private static (List<SourceObject>? Objects, string Header) ReadLabels(string path, string file, ImportLog log)
    {
        var objects = new List<SourceObject>();
        string header = "";
        int objectLines = 0;
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var where = $"line {i + 1}";
            if (line.Length == 0) continue;
            if (HeaderValue(line, "imagesource") is string imageSource) { header += $" imagesource={imageSource}"; continue; }
            if (HeaderValue(line, "gsd") is string gsd) { header += $" gsd={gsd}"; continue; }

            objectLines++;
            var fields = TextLines.Fields(line);
            if (fields.Length is not (9 or 10))
            {
                log.Problem(file, where, $"expected \"x1 y1 x2 y2 x3 y3 x4 y4 class difficult\", got {fields.Length} fields; skipped.");
                continue;
            }
            var xy = TextLines.Numbers(fields.Take(8));
            if (xy is null)
            {
                log.Problem(file, where, $"a corner coordinate in \"{line}\" is not a finite number; skipped.");
                continue;
            }
            bool? difficult = fields.Length == 10 ? fields[9] switch { "0" => false, "1" => true, _ => null } : false;
            if (difficult is null)
            {
                log.Problem(file, where, $"the difficult flag must be 0 or 1, got \"{fields[9]}\"; skipped.");
                continue;
            }
            var polygon = Enumerable.Range(0, 4).Select(k => new PointD(xy[2 * k], xy[2 * k + 1])).ToList();
            objects.Add(new SourceObject(fields[8], BoundingBox.Enclosing(polygon), polygon, difficult, where));
        }
        return (TextLines.NothingValid(objects, objectLines, file, log), header);
    }

    private static string? HeaderValue(string line, string key) =>
        line.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase) ? line[(key.Length + 1)..].Trim() : null;
}
