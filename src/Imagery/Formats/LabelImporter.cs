using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// How <c>import</c> cuts a scene too large to decode whole (a (Geo)TIFF beyond <see cref="WholeDecode"/>) into blocks
/// that every later step reads whole: <see cref="BlockSize"/>-px blocks overlapping by <see cref="Overlap"/> px, as the
/// DOTA split tools cut large scenes into overlapping patches. An overlap at least as large as the largest object
/// (300 px in the imagery we target) leaves every object whole in at least one block; an object cut by a block keeps
/// its clipped box when at least <see cref="MinVisibleFraction"/> of it is inside, as the chipper does.
/// </summary>
public sealed record SceneCutting
{
    public static readonly SceneCutting Default = new();

    /// <summary>8,192 px: 67 MP, 200 MB of RGB decoded, within the whole-decode limit and ten to the trainer's default cache.</summary>
    public int BlockSize { get; init; } = 8192;
    public int Overlap { get; init; } = 512;
    public double MinVisibleFraction { get; init; } = 0.5;
    public ImageLimits WholeDecode { get; init; } = ImageLimits.Default;
}

/// <summary>
/// Runs an import: the format's reader describes images and objects, and this copies each image into the
/// incoming folder and writes its <c>name.labels.json</c> sidecar. Nothing in the source stops the import:
/// a bad line, a missing image or an unsafe name is reported and the rest goes on. A (Geo)TIFF too large to decode
/// whole is cut into overlapping blocks (<see cref="SceneCutting"/>), each an 8-bit RGB GeoTIFF with its own sidecar:
/// 16-bit bands are stretched by the whole scene's percentiles, as <c>predict</c> does on the whole scene, so training
/// on the blocks and predicting on the scene see the same pixels.
/// </summary>
public static class LabelImporter
{
    /// <param name="imagesFolder">Where COCO's and xView's images are, when not next to the JSON file.</param>
    public static ImportReport Run(
        ImportFormat format, string source, string into, string? imagesFolder = null, IProgress<ImportProgress>? progress = null,
        SceneCutting? cutting = null)
    {
        cutting ??= SceneCutting.Default;
        var log = new ImportLog();
        var images = Read(format, source, imagesFolder, log);
        Directory.CreateDirectory(into);

        var perClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var written = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int copied = 0, sidecars = 0, scenesCut = 0, blocks = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            progress?.Report(new ImportProgress(i, images.Count, image.Name));
            var labels = Import(image, into, written, log, cutting, ref scenesCut, ref blocks);
            if (labels is null) continue;
            copied++;
            if (image.Objects is null) continue;
            sidecars++;
            foreach (var o in labels.Objects)
                perClass[o.Class] = perClass.GetValueOrDefault(o.Class) + 1;
        }
        progress?.Report(new ImportProgress(images.Count, images.Count, ""));
        return new ImportReport(format, images.Count, copied, sidecars, perClass, log.Skipped, log.Problems)
        {
            ScenesCut = scenesCut, BlocksWritten = blocks,
        };
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
    private static LabelFile? Import(SourceImage image, string into, Dictionary<string, string> written, ImportLog log, SceneCutting cutting,
        ref int scenesCut, ref int blocks)
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

        TiffWindowReader? large;
        try
        {
            large = TiffWindowReader.OpenWhenBeyond(cutting.WholeDecode, path, image.Name);
        }
        catch (ImageDecodeException ex)
        {
            log.Problem(image.LabelSource, null, $"refused: {ex.Code}: {ex.Message}");
            return null;
        }
        if (large is not null)
            using (large)
            {
                var cut = Cut(image, large, into, written, log, cutting, ref blocks);
                if (cut is not null) scenesCut++;
                return cut;
            }

        var bytes = File.ReadAllBytes(path);
        var size = ReadSize(bytes, image, log);

        var labels = new LabelFile
        {
            Image = fileName,
            Width = size?.Width,
            Height = size?.Height,
            Source = image.LabelSource,
            Objects = SceneObjects(image, size, log),
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

    /// <summary>
    /// Cuts a scene too large to decode whole into <see cref="SceneCutting"/> blocks named <c>stem.rRRRcCCC.tif</c>, each
    /// written with the labels clipped to it; returns the scene's own labels (for the per-class counts), or null when
    /// nothing was written. The blocks' georeference is the scene's, moved to the block's corner.
    /// </summary>
    private static LabelFile? Cut(SourceImage image, TiffWindowReader scene, string into, Dictionary<string, string> written, ImportLog log,
        SceneCutting cutting, ref int blocks)
    {
        var objects = SceneObjects(image, (scene.Width, scene.Height), log);
        string stem = LabelFile.StemOf(SafeNames.FileNameOf(image.Name));
        var grid = Chips.ChipGrid.For(scene.Width, scene.Height, cutting.BlockSize, cutting.Overlap);
        foreach (var chip in grid)
        {
            string blockName = $"{stem}.r{chip.Row:D3}c{chip.Column:D3}.tif";
            string imageTarget = Path.Combine(into, blockName), sidecarTarget = Path.Combine(into, LabelFile.SidecarNameFor(blockName));
            if (written.TryGetValue(LabelFile.StemOf(blockName), out var earlier))
            {
                log.Problem(image.LabelSource, null, $"block {blockName} of \"{image.Name}\" would share its file with \"{earlier}\"; rename one of them.");
                continue;
            }
            written[LabelFile.StemOf(blockName)] = image.Name;
            if ((image.Objects is null ? [imageTarget] : new[] { imageTarget, sidecarTarget }).Select(NotAPlainTarget).FirstOrDefault(w => w is not null) is { } why)
            {
                log.Problem(image.LabelSource, null, $"refused to write {blockName}: {why}");
                continue;
            }
            byte[] rgb;
            try
            {
                rgb = scene.ReadRgb8(chip.X, chip.Y, chip.Width, chip.Height);
            }
            catch (ImageDecodeException ex)
            {
                log.Problem(image.LabelSource, null, $"{ex.Code}: {ex.Message} Block {blockName} and the rest of the scene were not written.");
                return null;
            }
            var geo = scene.Info.Geo is { } g ? g with { Transform = Shifted(g, chip.X, chip.Y) } : null;
            WriteReplacing(imageTarget, ImageWriter.EncodeGeoTiff(RasterImage.FromRgb8(chip.Width, chip.Height, rgb, ImageFormat.Tiff, geo), geo, tiled: true));
            if (image.Objects is not null)
                WriteReplacing(sidecarTarget, System.Text.Encoding.UTF8.GetBytes(Json.Serialize(new LabelFile
                {
                    Image = blockName, Width = chip.Width, Height = chip.Height,
                    Source = $"{image.LabelSource}: {image.Name} at ({chip.X}, {chip.Y})",
                    Objects = Chips.ChipLabels.Clip(objects, chip, cutting.MinVisibleFraction),
                })));
            blocks++;
        }
        return new LabelFile { Image = image.Name, Width = scene.Width, Height = scene.Height, Source = image.LabelSource, Objects = objects };
    }

    /// <summary>The GDAL affine transform of a block whose corner is at (<paramref name="x"/>, <paramref name="y"/>) of the scene.</summary>
    private static double[] Shifted(GeoReference geo, int x, int y)
    {
        var (originX, originY) = geo.PixelToModel(x, y);
        return [originX, geo.Transform[1], geo.Transform[2], originY, geo.Transform[4], geo.Transform[5]];
    }

    /// <summary>The image's objects in its pixels (normalised ones scaled by <paramref name="size"/>), after reporting a
    /// size the source declares differently from the real one.</summary>
    private static List<LabelObject> SceneObjects(SourceImage image, (int Width, int Height)? size, ImportLog log)
    {
        if (size is { } real && ((image.DeclaredWidth is int dw && dw != real.Width) || (image.DeclaredHeight is int dh && dh != real.Height)))
            log.Problem(image.LabelSource, null,
                $"the source says \"{image.Name}\" is {image.DeclaredWidth}×{image.DeclaredHeight} but the image is {real.Width}×{real.Height}.");
        return (image.Objects ?? []).Select(o => ToLabel(o, image, size, log)).OfType<LabelObject>().ToList();
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
