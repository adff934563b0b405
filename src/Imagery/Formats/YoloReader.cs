using AutoRetrain.Core;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// YOLO txt: one <c>&lt;class&gt; &lt;cx&gt; &lt;cy&gt; &lt;w&gt; &lt;h&gt;</c> line per object, normalised to [0, 1]
/// (a segmentation line <c>&lt;class&gt; x1 y1 x2 y2 ...</c> is read as its polygon). Labels sit in
/// <c>labels/</c> parallel to <c>images/</c> (Ultralytics layout) or next to the images. An image without a
/// label file is a background image (no objects), as Ultralytics trains it.
/// </summary>
internal static class YoloReader
{
    public static IReadOnlyList<SourceImage> Read(string source, ImportLog log)
    {
        if (!Directory.Exists(source)) throw new AutoRetrainException($"{source}: the YOLO dataset folder does not exist.");
        var (classes, classFile) = YoloClassList.Find(source);
        var ultralytics = Directory.Exists(Path.Combine(source, "images"));
        var imagesRoot = ultralytics ? Path.Combine(source, "images") : source;
        var labelsRoot = ultralytics ? Path.Combine(source, "labels") : source;
        if (!Directory.Exists(labelsRoot))
            log.Problem("labels/", null, "there is an images/ folder but no labels/ folder beside it: every image is imported as background (no objects).");

        var images = new List<SourceImage>();
        var expectedLabels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(imagesRoot, "*", ultralytics ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                                      .Where(TextLines.IsImage).Order(StringComparer.Ordinal))
        {
            var name = TextLines.Relative(imagesRoot, path);
            var labelName = Path.ChangeExtension(name, ".txt");
            expectedLabels.Add(labelName);
            var labelPath = Path.Combine(labelsRoot, labelName);
            var labelRef = TextLines.Relative(source, labelPath);
            var objects = File.Exists(labelPath) ? ReadLabels(labelPath, labelRef, classes, classFile, log) : [];
            images.Add(new SourceImage(name, imagesRoot, objects, $"yolo:{(File.Exists(labelPath) ? labelRef : "(no label file: background)")}"));
        }

        if (Directory.Exists(labelsRoot))
            foreach (var orphan in Directory.EnumerateFiles(labelsRoot, "*.txt", ultralytics ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                                            .Select(p => TextLines.Relative(labelsRoot, p))
                                            .Where(n => !expectedLabels.Contains(n) && !IsClassFile(n)).Order(StringComparer.Ordinal))
                log.Problem(TextLines.Relative(source, Path.Combine(labelsRoot, orphan)), null,
                    $"label file without an image (no {Path.ChangeExtension(orphan, null)}.png/.jpg/.tif in {TextLines.Relative(source, imagesRoot)}); skipped.");
        return images;
    }

    private static bool IsClassFile(string name) => name is "classes.txt" or "obj.names";

    private static List<SourceObject>? ReadLabels(string path, string file, IReadOnlyList<string> classes, string classFile, ImportLog log)
    {
        var objects = new List<SourceObject>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var where = $"line {i + 1}";
            var fields = TextLines.Fields(lines[i]);
            if (fields.Length == 0) continue;
            if (!int.TryParse(fields[0], out var classId) || classId < 0 || classId >= classes.Count)
            {
                log.Problem(file, where, $"class id \"{fields[0]}\" is not an integer in 0..{classes.Count - 1} ({classFile}); skipped.");
                continue;
            }
            var v = TextLines.Numbers(fields.Skip(1));
            if (v is null)
                log.Problem(file, where, $"\"{lines[i].Trim()}\" holds a value that is not a finite number; skipped.");
            else if (v.Length == 4)
                objects.Add(new SourceObject(classes[classId],
                    new BoundingBox(v[0] - v[2] / 2, v[1] - v[3] / 2, v[0] + v[2] / 2, v[1] + v[3] / 2), null, null, where, Normalised: true));
            else if (v.Length >= 6 && v.Length % 2 == 0)
            {
                var polygon = Enumerable.Range(0, v.Length / 2).Select(k => new PointD(v[2 * k], v[2 * k + 1])).ToList();
                objects.Add(new SourceObject(classes[classId], BoundingBox.Enclosing(polygon), polygon, null, where, Normalised: true));
            }
            else
                log.Problem(file, where,
                    $"expected \"class cx cy w h\" (5 fields) or \"class x1 y1 x2 y2 x3 y3 ...\" (a polygon), got {fields.Length} fields; skipped.");
        }
        return TextLines.NothingValid(objects, lines.Count(l => TextLines.Fields(l).Length > 0), file, log);
    }
}
