using System.Text.Json;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Formats;

/// <summary>
/// COCO instances JSON: <c>images</c> (id, file_name, width, height), <c>categories</c> (id, name) and
/// <c>annotations</c> (id, image_id, category_id, bbox [x, y, w, h], segmentation, iscrowd).
/// Crowd regions are not single objects and are left out of training labels (counted as skipped).
/// </summary>
internal static class CocoReader
{
    public static IReadOnlyList<SourceImage> Read(string source, string? imagesFolder, ImportLog log)
    {
        var jsonPath = Directory.Exists(source) ? FindJson(source) : source;
        var file = Path.GetFileName(jsonPath);
        using var document = JsonSource.Open(jsonPath);
        var root = document.RootElement;

        var categories = new Dictionary<long, string>();
        foreach (var c in JsonSource.Items(root, "categories", file, log))
        {
            if (JsonSource.Integer(c, "id") is long id && JsonSource.Text(c, "name") is { Length: > 0 } name)
                categories[id] = name;
            else
                log.Problem(file, $"category {c}", "a category needs a numeric \"id\" and a non-empty \"name\"; skipped.");
        }

        var images = new Dictionary<long, (string Name, int? Width, int? Height, List<SourceObject> Objects)>();
        int index = 0;
        foreach (var i in JsonSource.Items(root, "images", file, log))
        {
            var where = $"images[{index++}]";
            if (JsonSource.Integer(i, "id") is not long id || JsonSource.Text(i, "file_name") is not { Length: > 0 } name)
                log.Problem(file, where, "an image needs a numeric \"id\" and a \"file_name\"; skipped.");
            else if (images.ContainsKey(id))
                log.Problem(file, where, $"image id {id} appears twice; the second entry (\"{name}\") is skipped.");
            else
                images[id] = (name, (int?)JsonSource.Integer(i, "width"), (int?)JsonSource.Integer(i, "height"), []);
        }

        index = 0;
        foreach (var a in JsonSource.Items(root, "annotations", file, log))
        {
            var where = JsonSource.Integer(a, "id") is long annotationId ? $"annotation id {annotationId}" : $"annotations[{index}]";
            index++;
            if (ReadAnnotation(a, where, categories, file, log) is not { } found) continue;
            var (imageId, obj) = found;
            if (!images.TryGetValue(imageId, out var image))
                log.Problem(file, where, $"image_id {imageId} is not in \"images\"; skipped.");
            else
                image.Objects.Add(obj);
        }

        var folder = JsonSource.ImagesFolder(imagesFolder, jsonPath, ["images", "../images", "."], images.Values.Select(i => i.Name));
        return images.Values
            .Select(i => new SourceImage(i.Name, folder, i.Objects, $"coco:{file}", i.Width, i.Height))
            .ToList();
    }

    private static (long ImageId, SourceObject Object)? ReadAnnotation(
        JsonElement a, string where, Dictionary<long, string> categories, string file, ImportLog log)
    {
        if (JsonSource.Integer(a, "iscrowd") is 1)
        {
            log.Skip("COCO crowd region (iscrowd = 1)");
            return null;
        }
        if (JsonSource.Integer(a, "image_id") is not long imageId)
        {
            log.Problem(file, where, "\"image_id\" is missing or not an integer; skipped.");
            return null;
        }
        if (JsonSource.Integer(a, "category_id") is not long categoryId || !categories.TryGetValue(categoryId, out var cls))
        {
            log.Problem(file, where, $"\"category_id\" {JsonSource.Property(a, "category_id")?.ToString() ?? "(missing)"} is not a known category; skipped.");
            return null;
        }
        if (JsonSource.Numbers(JsonSource.Property(a, "bbox")) is not { Length: 4 } b)
        {
            log.Problem(file, where, "\"bbox\" must be [x, y, width, height] with 4 finite numbers; skipped.");
            return null;
        }
        return (imageId, new SourceObject(cls, BoundingBox.FromXywh(b[0], b[1], b[2], b[3]), SinglePolygon(a), null, where));
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
