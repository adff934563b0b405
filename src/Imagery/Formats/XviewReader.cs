using System.Text.Json;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// xView GeoJSON: one FeatureCollection whose features carry <c>properties.bounds_imcoords</c>
/// ("xmin,ymin,xmax,ymax" in image pixels), <c>properties.type_id</c> (see <see cref="XviewClasses"/>) and
/// <c>properties.image_id</c> (the image file name). The geographic geometry is not used.
/// </summary>
internal static class XviewReader
{
    public static IReadOnlyList<SourceImage> Read(string source, string? imagesFolder, ImportLog log)
    {
        var file = Path.GetFileName(source);
        var byImage = new Dictionary<string, List<SourceObject>>(StringComparer.Ordinal);
        int index = 0;
        JsonSource.ForEachItem(source, new Dictionary<string, Action<JsonElement>>
        {
            ["features"] = feature =>
            {
                var where = $"feature {index++}";
                var properties = JsonSource.Property(feature, "properties") ?? default;
                if (JsonSource.Property(properties, "feature_id") is { } featureId)
                    where += $" (feature_id {featureId})";
                if (Read(properties, where, file, log) is not { } found) return;
                if (!byImage.TryGetValue(found.ImageId, out var objects))
                    byImage[found.ImageId] = objects = [];
                if (found.Object is not null) objects.Add(found.Object);
            },
        }, log);

        var folder = JsonSource.ImagesFolder(imagesFolder, source, ["train_images", "images", "."], byImage.Keys);
        return byImage.Select(kv => new SourceImage(kv.Key, folder, kv.Value, $"xview:{file}")).ToList();
    }

    /// <summary>The feature's image and object; the object is null when its type id is skipped, the whole result null
    /// when the feature is malformed.</summary>
    private static (string ImageId, SourceObject? Object)? Read(JsonElement properties, string where, string file, ImportLog log)
    {
        if (JsonSource.Text(properties, "image_id") is not { Length: > 0 } imageId)
        {
            log.Problem(file, where, "\"properties.image_id\" is missing; skipped.");
            return null;
        }
        var typeId = JsonSource.Integer(properties, "type_id");
        if (typeId is null)
        {
            log.Problem(file, where, "\"properties.type_id\" is missing or not an integer; skipped.");
            return null;
        }
        var bounds = JsonSource.Text(properties, "bounds_imcoords") is string text ? TextLines.Numbers(text.Split(',')) : null;
        if (bounds is not { Length: 4 })
        {
            log.Problem(file, where, $"\"properties.bounds_imcoords\" must be \"xmin,ymin,xmax,ymax\", got {JsonSource.Property(properties, "bounds_imcoords")?.ToString() ?? "(missing)"}; skipped.");
            return null;
        }
        if (typeId is not (>= 0 and <= int.MaxValue) || !XviewClasses.ById.TryGetValue((int)typeId.Value, out var cls))
        {
            log.Skip($"xView type_id {typeId} (not one of the 60 classes)");
            return (imageId, null);
        }
        return (imageId, new SourceObject(cls, BoundingBox.FromArray(bounds), null, null, where));
    }
}
