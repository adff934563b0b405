using AutoRetrain.Core;
using System.Text.Json;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// COCO instances JSON: <c>images</c> (id, file_name, width, height), <c>categories</c> (id, name) and
/// <c>annotations</c> (id, image_id, category_id, bbox [x, y, w, h], segmentation, iscrowd).
/// Crowd regions are not single objects and are left out of training labels (counted as skipped).
/// </summary>
internal static class CocoReader
{
    /// <summary>An annotation as written; checked once the whole file is read, since COCO does not order its arrays.</summary>
    private sealed record RawAnnotation(string Where, bool Crowd, long? ImageId, long? CategoryId, string CategoryText, double[]? Bbox, IReadOnlyList<PointD>? Polygon);

    private sealed record CocoImage(string Name, int? Width, int? Height, List<SourceObject> Objects);

    public static IReadOnlyList<SourceImage> Read(string source, string? imagesFolder, ImportLog log)
    {
        var jsonPath = Directory.Exists(source) ? FindJson(source) : source;
        var file = Path.GetFileName(jsonPath);
        var categories = new Dictionary<long, string>();
        var images = new Dictionary<long, CocoImage>();
        var annotations = new List<RawAnnotation>();
        var found = JsonSource.ForEachItem(jsonPath, new Dictionary<string, Action<JsonElement>>
        {
            ["categories"] = c => ReadCategory(c, categories, file, log),
            ["images"] = i => ReadImage(i, $"images[{images.Count}]", images, file, log),
            ["annotations"] = a => annotations.Add(ReadAnnotation(a, $"annotations[{annotations.Count}]")),
        }, log, required: ["images"]);
        // Without annotations (or the categories they name) the file says nothing about the images' objects: they are
        // imported unlabelled, not as confirmed background.
        bool labelled = found.Contains("annotations") && found.Contains("categories");

        foreach (var a in annotations)
            if (Resolve(a, categories, file, log) is { } obj)
            {
                if (images.TryGetValue(a.ImageId!.Value, out var image)) image.Objects.Add(obj);
                else log.Problem(file, a.Where, $"image_id {a.ImageId} is not in \"images\"; skipped.");
            }

        var folder = JsonSource.ImagesFolder(imagesFolder, jsonPath, ["images", "../images", "."], images.Values.Select(i => i.Name));
        return images.Values
            .Select(i => new SourceImage(i.Name, folder, labelled ? i.Objects : null, $"coco:{file}", i.Width, i.Height))
            .ToList();
    }

    private static void ReadCategory(JsonElement c, Dictionary<long, string> categories, string file, ImportLog log)
    {
        if (JsonSource.Integer(c, "id") is long id && JsonSource.Text(c, "name") is { Length: > 0 } name)
            categories[id] = name;
        else
            log.Problem(file, $"category {c}", "a category needs a numeric \"id\" and a non-empty \"name\"; skipped.");
    }

    private static void ReadImage(JsonElement i, string where, Dictionary<long, CocoImage> images, string file, ImportLog log)
    {
        if (JsonSource.Integer(i, "id") is not long id || JsonSource.Text(i, "file_name") is not { Length: > 0 } name)
            log.Problem(file, where, "an image needs a numeric \"id\" and a \"file_name\"; skipped.");
        else if (images.ContainsKey(id))
            log.Problem(file, where, $"image id {id} appears twice; the second entry (\"{name}\") is skipped.");
        else
            images[id] = new CocoImage(name, (int?)JsonSource.Integer(i, "width"), (int?)JsonSource.Integer(i, "height"), []);
    }

    private static RawAnnotation ReadAnnotation(JsonElement a, string position) => new(
        JsonSource.Integer(a, "id") is long id ? $"annotation id {id}" : position,
        JsonSource.Integer(a, "iscrowd") is 1,
        JsonSource.Integer(a, "image_id"),
        JsonSource.Integer(a, "category_id"),
        JsonSource.Property(a, "category_id")?.ToString() ?? "(missing)",
        JsonSource.Numbers(JsonSource.Property(a, "bbox")),
        SinglePolygon(a));

    private static SourceObject? Resolve(RawAnnotation a, Dictionary<long, string> categories, string file, ImportLog log)
    {
        if (a.Crowd)
        {
            log.Skip("COCO crowd region (iscrowd = 1)");
            return null;
        }
        if (a.ImageId is null)
        {
            log.Problem(file, a.Where, "\"image_id\" is missing or not an integer; skipped.");
            return null;
        }
        if (a.CategoryId is not long categoryId || !categories.TryGetValue(categoryId, out var cls))
        {
            log.Problem(file, a.Where, $"\"category_id\" {a.CategoryText} is not a known category; skipped.");
            return null;
        }
        if (a.Bbox is not { Length: 4 } b)
        {
            log.Problem(file, a.Where, "\"bbox\" must be [x, y, width, height] with 4 finite numbers; skipped.");
            return null;
        }
        return new SourceObject(cls, BoundingBox.FromXywh(b[0], b[1], b[2], b[3]), a.Polygon, null, a.Where);
    }

    /// <summary>A segmentation made of exactly one polygon is kept; several parts or RLE masks are not polygons we keep.</summary>
    private static IReadOnlyList<PointD>? SinglePolygon(JsonElement a)
    {
        if (JsonSource.Property(a, "segmentation") is not { ValueKind: JsonValueKind.Array } s || s.GetArrayLength() != 1) return null;
        var xy = JsonSource.Numbers(s[0]);
        if (xy is null || xy.Length < 6 || xy.Length % 2 != 0) return null;
        return Enumerable.Range(0, xy.Length / 2).Select(k => new PointD(xy[2 * k], xy[2 * k + 1])).ToList();
    }

    private static string FindJson(string folder)
    {
        var candidates = Directory.GetFiles(folder, "*.json")
            .Concat(Directory.Exists(Path.Combine(folder, "annotations")) ? Directory.GetFiles(Path.Combine(folder, "annotations"), "*.json") : [])
            .Where(f => !LabelFile.IsSidecarName(f))
            .ToList();
        return candidates.Count == 1 ? candidates[0]
            : throw new AutoRetrainException(
                $"{folder}: expected one COCO JSON file here or in annotations/, found {candidates.Count}; give the JSON file itself.");
    }
}
