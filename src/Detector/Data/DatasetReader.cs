using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Detector.Data;

/// <summary>
/// Reads the trainer's <c>--data</c>: either a snapshot manifest (JSON; image and label keys resolve in the
/// <c>datasets</c> container of <c>--store</c>, or, without it, in the folder above <c>snapshots/</c>), or a
/// folder of images with <c>&lt;stem&gt;.labels.json</c> sidecars. A folder with <c>train/</c> and <c>val/</c>
/// sub-folders keeps that split; otherwise every tile trains and none validates.
/// </summary>
public static class DatasetReader
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];

    public static TileDataset Read(string data, string? storeRoot = null)
    {
        if (File.Exists(data)) return ReadSnapshot(data, storeRoot);
        if (Directory.Exists(data)) return ReadFolder(data);
        throw new AutoRetrainException($"--data {data}: no such snapshot file or folder.");
    }

    public static TileDataset ReadSnapshot(string snapshotPath, string? storeRoot)
    {
        var snapshot = Json.Deserialize<Snapshot>(File.ReadAllText(snapshotPath), snapshotPath);
        if (!snapshot.Verify())
            throw new AutoRetrainException($"{snapshotPath}: the snapshot id does not match its entries (edited or corrupt manifest).");
        string datasets = storeRoot is not null
            ? Path.Combine(storeRoot, Containers.Datasets)
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(snapshotPath))!, ".."));
        LabelledTile Load(SnapshotEntry e) => LoadTile(e.TileId, Resolve(datasets, e.ImageKey), Resolve(datasets, e.LabelKey));
        return new TileDataset(snapshot.Id,
            snapshot.Train.AsParallel().AsOrdered().Select(Load).ToList(),
            snapshot.Validation.AsParallel().AsOrdered().Select(Load).ToList());
    }

    public static TileDataset ReadFolder(string folder)
    {
        string train = Path.Combine(folder, "train"), val = Path.Combine(folder, "val");
        if (Directory.Exists(train) && Directory.Exists(val))
            return new TileDataset(FolderId(folder), ReadImages(train), ReadImages(val));
        return new TileDataset(FolderId(folder), ReadImages(folder), []);
    }

    /// <summary>Every labelled image directly in <paramref name="folder"/>, sorted by name; images without a sidecar are skipped.</summary>
    public static IReadOnlyList<LabelledTile> ReadImages(string folder)
    {
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Where(f => File.Exists(Path.Combine(folder, LabelFile.SidecarNameFor(Path.GetFileName(f)))))
            .Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0)
            throw new AutoRetrainException($"{folder}: no images with a {LabelFile.Suffix} sidecar found.");
        return images.AsParallel().AsOrdered()
            .Select(f => LoadTile(LabelFile.StemOf(Path.GetFileName(f)), f, Path.Combine(folder, LabelFile.SidecarNameFor(Path.GetFileName(f)))))
            .ToList();
    }

    public static LabelledTile LoadTile(string tileId, string imagePath, string labelPath)
    {
        var labels = LabelReader.ReadFile(labelPath);
        var image = ImageReader.Decode(File.ReadAllBytes(imagePath), imagePath);
        foreach (var o in labels.Objects)
            if (!o.Bounds.IsFinite || o.Bounds.Width <= 0 || o.Bounds.Height <= 0)
                throw new AutoRetrainException($"{labelPath}: object of class '{o.Class}' has an empty or invalid box {o.Bounds}.");
        return new LabelledTile(tileId, imagePath, image.Width, image.Height, image.ToRgb8(), labels.Objects);
    }

    public static byte[] LoadRgb(string imagePath, out int width, out int height)
    {
        var image = ImageReader.Decode(File.ReadAllBytes(imagePath), imagePath);
        (width, height) = (image.Width, image.Height);
        return image.ToRgb8();
    }

    private static string Resolve(string datasets, string key)
    {
        StoreKeys.EnsureSafe(key);
        string path = Path.Combine(datasets, key.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(path) ? path : throw new AutoRetrainException($"{path}: file named by the snapshot is missing.");
    }

    private static string FolderId(string folder) => "folder:" + Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'));
}
