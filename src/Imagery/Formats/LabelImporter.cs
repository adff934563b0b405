using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// Runs an import: the format's reader describes images and objects, and this copies each image into the
/// incoming folder and writes its <c>name.labels.json</c> sidecar. Nothing in the source stops the import:
/// a bad line, a missing image or an unsafe name is reported and the rest goes on.
/// </summary>
public static class LabelImporter
{
    /// <param name="imagesFolder">Where COCO's and xView's images are, when not next to the JSON file.</param>
    public static ImportReport Run(
        ImportFormat format, string source, string into, string? imagesFolder = null, IProgress<ImportProgress>? progress = null)
    {
        var log = new ImportLog();
        var images = Read(format, source, imagesFolder, log);
        Directory.CreateDirectory(into);

        var perClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var written = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int copied = 0, sidecars = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            progress?.Report(new ImportProgress(i, images.Count, image.Name));
            var labels = Import(image, into, written, log);
            if (labels is null) continue;
            copied++;
            if (image.Objects is null) continue;
            sidecars++;
            foreach (var o in labels.Objects)
                perClass[o.Class] = perClass.GetValueOrDefault(o.Class) + 1;
        }
        progress?.Report(new ImportProgress(images.Count, images.Count, ""));
        return new ImportReport(format, images.Count, copied, sidecars, perClass, log.Skipped, log.Problems);
    }

    private static IReadOnlyList<SourceImage> Read(ImportFormat format, string source, string? imagesFolder, ImportLog log) => format switch
    {
        ImportFormat.Coco => CocoReader.Read(source, imagesFolder, log),
        ImportFormat.Yolo => YoloReader.Read(source, log),
        ImportFormat.Xview => XviewReader.Read(source, imagesFolder, log),
        ImportFormat.Dota => DotaReader.Read(source, log),
        _ => throw new AutoRetrainException($"unknown import format {format}."),
    };

    /// <summary>Copies one image and writes its sidecar; the labels written (an empty file for an unlabelled
    /// image), or null when the image could not be imported.</summary>
    private static LabelFile? Import(SourceImage image, string into, Dictionary<string, string> written, ImportLog log)
    {
        if (SafeNames.Problem(image.Name) is string unsafeName)
        {
            log.Problem(image.LabelSource, null, $"refused: {unsafeName}");
            return null;
        }
        var path = SafeNames.Inside(image.ImagesFolder, image.Name);
        if (path is null)
        {
            log.Problem(image.LabelSource, null, $"refused: the image name \"{image.Name}\" resolves outside {image.ImagesFolder}.");
            return null;
        }
        if (!File.Exists(path))
        {
            log.Problem(image.LabelSource, null, $"the image \"{image.Name}\" is referenced but missing (looked for {path}).");
            return null;
        }
        var fileName = SafeNames.FileNameOf(image.Name);
        // a/x.png and b/x.png, or x.png and x.jpg, would share one target file or one x.labels.json sidecar.
        var stem = LabelFile.StemOf(fileName);
        if (written.TryGetValue(stem, out var earlier))
        {
            log.Problem(image.LabelSource, null,
                $"the image \"{image.Name}\" would share its target file or sidecar with \"{earlier}\", already imported; rename one of them.");
            return null;
        }
        written[stem] = image.Name;

        var bytes = File.ReadAllBytes(path);
        var size = ReadSize(bytes, image, log);
        if (size is { } real && ((image.DeclaredWidth is int dw && dw != real.Width) || (image.DeclaredHeight is int dh && dh != real.Height)))
            log.Problem(image.LabelSource, null,
                $"the source says \"{image.Name}\" is {image.DeclaredWidth}×{image.DeclaredHeight} but the image is {real.Width}×{real.Height}.");

        var labels = new LabelFile
        {
            Image = fileName,
            Width = size?.Width,
            Height = size?.Height,
            Source = image.LabelSource,
            Objects = (image.Objects ?? []).Select(o => ToLabel(o, image, size, log)).OfType<LabelObject>().ToList(),
        };
        string imageTarget = Path.Combine(into, fileName), sidecarTarget = Path.Combine(into, LabelFile.SidecarNameFor(fileName));
        foreach (var target in image.Objects is null ? [imageTarget] : new[] { imageTarget, sidecarTarget })
            if (NotAPlainTarget(target) is { } why)
            {
                log.Problem(image.LabelSource, null, $"refused to write {Path.GetFileName(target)}: {why}");
                return null;
            }
        WriteReplacing(imageTarget, bytes);
        if (image.Objects is not null)
            WriteReplacing(sidecarTarget, System.Text.Encoding.UTF8.GetBytes(Json.Serialize(labels)));
        return labels;
    }

    /// <summary>Why an existing entry at <paramref name="path"/> must not be replaced (a link, a folder, a FIFO...), or null.</summary>
    private static string? NotAPlainTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
            return $"it exists in the target folder as a symbolic link (to {info.LinkTarget}); an import never writes through a link. Remove it first.";
        if (Directory.Exists(path)) return "a folder of that name exists in the target folder.";
        return null;
    }

    /// <summary>Writes to a new temporary file and renames it over the target, so the target's directory entry is
    /// replaced and nothing it might point to (a link made after the check) is ever written.</summary>
    private static void WriteReplacing(string path, byte[] content)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.partial";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) stream.Write(content);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The image's real size from its header; null, reported, when it cannot be read. Such an image is
    /// copied anyway, so that ingestion quarantines it with its reason instead of it vanishing here.</summary>
    private static (int Width, int Height)? ReadSize(byte[] bytes, SourceImage image, ImportLog log)
    {
        try
        {
            var info = ImageReader.ReadInfo(bytes, image.Name);
            return (info.Width, info.Height);
        }
        catch (ImageDecodeException ex)
        {
            log.Problem(image.LabelSource, null, $"{ex.Code}: {ex.Message} It is copied anyway; ingestion will quarantine it.");
            return null;
        }
    }

    private static LabelObject? ToLabel(SourceObject o, SourceImage image, (int Width, int Height)? size, ImportLog log)
    {
        var box = o.Box;
        var polygon = o.Polygon;
        if (o.Normalised)
        {
            if (size is not { } known)
            {
                log.Problem(image.LabelSource, o.Where, "normalised coordinates cannot be scaled: the image size is unknown.");
                return null;
            }
            var (w, h) = known;
            box = new BoundingBox(box.XMin * w, box.YMin * h, box.XMax * w, box.YMax * h);
            polygon = polygon?.Select(p => new PointD(p.X * w, p.Y * h)).ToList();
        }
        if (size is { } real)
            box = SnapRoundingErrors(box, real.Width, real.Height);
        return LabelObject.Of(o.Class, box, polygon, o.Difficult);
    }

    /// <summary>
    /// A box reaching outside the image by at most one pixel is a rounding error of the labelling tool and is
    /// clipped; one reaching further is a real labelling error and is left for ingestion to quarantine with a reason.
    /// </summary>
    internal static BoundingBox SnapRoundingErrors(BoundingBox b, int width, int height) =>
        new(Snap(b.XMin, width), Snap(b.YMin, height), Snap(b.XMax, width), Snap(b.YMax, height));

    private const double RoundingTolerance = 1.0;

    private static double Snap(double v, int limit) =>
        v < 0 && v >= -RoundingTolerance ? 0
        : v > limit && v <= limit + RoundingTolerance ? limit
        : v;
}
