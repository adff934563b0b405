using System.Text.Json;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Metrics;

/// <summary>
/// Reads COCO ground truth (<c>images</c>, <c>annotations</c>, <c>categories</c>) and COCO
/// detection results (a list of <c>{image_id, category_id, bbox, score}</c>). Boxes are COCO's
/// <c>[x, y, w, h]</c> in the files and <see cref="BoundingBox"/> inside. Every error names the
/// file and the JSON path at fault.
/// </summary>
public static class CocoJsonReader
{
    /// <summary>
    /// Ground truth. <c>iscrowd</c> defaults to 0 and <c>area</c> to w*h; an optional
    /// <c>difficult</c> flag is kept for VOC evaluation.
    /// </summary>
    public static CocoDataset ReadGroundTruth(string path)
    {
        using var doc = Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Error(path, "$", "a COCO ground-truth file must be a JSON object with images, annotations and categories");

        var categories = ReadCategories(path, Member(path, root, "$", "categories", JsonValueKind.Array));
        var imageIds = ReadImageIds(path, Member(path, root, "$", "images", JsonValueKind.Array));
        var imageIndex = new Dictionary<long, int>();
        for (int i = 0; i < imageIds.Count; i++) imageIndex[imageIds[i]] = i;
        var categoryIndex = new Dictionary<long, int>();
        for (int i = 0; i < categories.Count; i++) categoryIndex[categories[i].Id] = i;

        var objects = new List<GroundTruthObject>[imageIds.Count];
        for (int i = 0; i < objects.Length; i++) objects[i] = [];
        int n = 0;
        foreach (var ann in Member(path, root, "$", "annotations", JsonValueKind.Array).EnumerateArray())
        {
            string at = $"annotations[{n++}]";
            if (ann.ValueKind != JsonValueKind.Object) throw Error(path, at, "must be an object");
            int image = Lookup(path, at, "image_id", Id(path, ann, at, "image_id"), imageIndex, "image");
            int category = Lookup(path, at, "category_id", Id(path, ann, at, "category_id"), categoryIndex, "category");
            var (box, boxArea) = Box(path, ann, at);
            double area = ann.TryGetProperty("area", out _) ? Number(path, ann, at, "area") : boxArea;
            bool crowd = Flag(path, ann, at, "iscrowd");
            bool difficult = Flag(path, ann, at, "difficult");
            objects[image].Add(new GroundTruthObject(category, box, area, crowd, difficult) { BoxArea = boxArea });
        }

        var images = new GroundTruthImage[imageIds.Count];
        for (int i = 0; i < images.Length; i++) images[i] = new GroundTruthImage(imageIds[i].ToString(), objects[i]);
        var categoryNames = new string[categories.Count];
        var categoryIds = new long[categories.Count];
        for (int i = 0; i < categories.Count; i++) { categoryNames[i] = categories[i].Name; categoryIds[i] = categories[i].Id; }
        return new CocoDataset(images, imageIds, categoryNames, categoryIds);
    }

    /// <summary>Detections, in file order (which breaks score ties, as in pycocotools).</summary>
    public static List<Detection> ReadResults(string path, CocoDataset groundTruth)
    {
        using var doc = Parse(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw Error(path, "$", "a COCO results file must be a JSON list of {image_id, category_id, bbox, score}");
        var detections = new List<Detection>(root.GetArrayLength());
        int n = 0;
        foreach (var det in root.EnumerateArray())
        {
            string at = $"[{n++}]";
            if (det.ValueKind != JsonValueKind.Object) throw Error(path, at, "must be an object");
            int image = Lookup(path, at, "image_id", Id(path, det, at, "image_id"), groundTruth.ImageIndexById, "image in the ground truth");
            int category = Lookup(path, at, "category_id", Id(path, det, at, "category_id"), groundTruth.CategoryIndexById, "category in the ground truth");
            var (box, boxArea) = Box(path, det, at);
            detections.Add(new Detection(image, category, box, Number(path, det, at, "score")) { BoxArea = boxArea });
        }
        return detections;
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new AutoRetrainException($"{path}: file not found.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty) throw new AutoRetrainException($"{path}: the file is empty; expected a JSON document.");
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new AutoRetrainException(
                $"{path}: malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1} ({ex.Message}). NaN and Infinity are not JSON numbers.", ex);
        }
    }

    private static List<(long Id, string Name)> ReadCategories(string path, JsonElement array)
    {
        var list = new List<(long Id, string Name)>();
        var seen = new HashSet<long>();
        int n = 0;
        foreach (var c in array.EnumerateArray())
        {
            string at = $"categories[{n++}]";
            if (c.ValueKind != JsonValueKind.Object) throw Error(path, at, "must be an object");
            long id = Id(path, c, at, "id");
            if (!seen.Add(id)) throw Error(path, at, $"category id {id} appears twice");
            string name = c.TryGetProperty("name", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : id.ToString();
            list.Add((id, name));
        }
        list.Sort((a, b) => a.Id.CompareTo(b.Id)); // pycocotools evaluates categories in sorted id order
        return list;
    }

    private static List<long> ReadImageIds(string path, JsonElement array)
    {
        var ids = new List<long>();
        var seen = new HashSet<long>();
        int n = 0;
        foreach (var img in array.EnumerateArray())
        {
            string at = $"images[{n++}]";
            if (img.ValueKind != JsonValueKind.Object) throw Error(path, at, "must be an object");
            long id = Id(path, img, at, "id");
            if (!seen.Add(id)) throw Error(path, at, $"image id {id} appears twice");
            ids.Add(id);
        }
        ids.Sort(); // pycocotools evaluates images in sorted id order
        return ids;
    }

    private static JsonElement Member(string path, JsonElement obj, string at, string name, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var v)) throw Error(path, at, $"the key \"{name}\" is missing");
        if (v.ValueKind != kind) throw Error(path, $"{at}.{name}", $"must be a JSON {kind.ToString().ToLowerInvariant()}, got {v.ValueKind.ToString().ToLowerInvariant()}");
        return v;
    }

    private static long Id(string path, JsonElement obj, string at, string name)
    {
        var v = Member(path, obj, at, name, JsonValueKind.Number);
        if (!v.TryGetInt64(out long id)) throw Error(path, $"{at}.{name}", $"must be an integer id, got {v.GetRawText()}");
        return id;
    }

    private static double Number(string path, JsonElement obj, string at, string name) =>
        Finite(path, $"{at}.{name}", Member(path, obj, at, name, JsonValueKind.Number));

    private static double Finite(string path, string at, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number) throw Error(path, at, $"must be a number, got {v.GetRawText()}");
        if (!v.TryGetDouble(out double x) || !double.IsFinite(x)) throw Error(path, at, $"{v.GetRawText()} is not a finite number");
        return x;
    }

    /// <summary>COCO [x, y, w, h] → (xmin, ymin, xmax, ymax) with xmax = x + w, the sum pycocotools' IoU
    /// computes, and the area w × h it uses (not (x + w - x) × (y + h - y), which can differ in the last bit).</summary>
    private static (BoundingBox Box, double Area) Box(string path, JsonElement obj, string at)
    {
        var v = Member(path, obj, at, "bbox", JsonValueKind.Array);
        if (v.GetArrayLength() != 4) throw Error(path, $"{at}.bbox", $"must be [x, y, w, h], got {v.GetArrayLength()} numbers");
        double x = Finite(path, $"{at}.bbox[0]", v[0]), y = Finite(path, $"{at}.bbox[1]", v[1]);
        double w = Finite(path, $"{at}.bbox[2]", v[2]), h = Finite(path, $"{at}.bbox[3]", v[3]);
        if (w < 0 || h < 0) throw Error(path, $"{at}.bbox", $"width and height must not be negative, got w={w}, h={h}");
        return (BoundingBox.FromXywh(x, y, w, h), w * h);
    }

    private static bool Flag(string path, JsonElement obj, string at, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Finite(path, $"{at}.{name}", v) != 0,
            _ => throw Error(path, $"{at}.{name}", $"must be 0, 1, true or false, got {v.GetRawText()}"),
        };
    }

    private static int Lookup(string path, string at, string name, long id, IReadOnlyDictionary<long, int> index, string what) =>
        index.TryGetValue(id, out int i) ? i : throw Error(path, $"{at}.{name}", $"{id} is not a known {what}");

    private static AutoRetrainException Error(string path, string at, string problem) => new($"{path}: {at}: {problem}.");
}
