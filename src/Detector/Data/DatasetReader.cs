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
/// <para>Memory: when the decoded pixels of every tile fit in <c>decodedBytesBudget</c> they are decoded once and
/// held (small tiles: as before); otherwise only the labels and image headers are read, and the pixels are decoded on
/// demand through one <see cref="DecodedSceneCache"/> of that budget, so the resident decoded data stays at the budget
/// whatever the number of scenes.</para>
/// </summary>
public static class DatasetReader
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];

    /// <summary>Decoded bytes held at most by default (2 GiB: about 100 scenes of 2,560 px).</summary>
    public const long DefaultDecodedBytesBudget = 2L << 30;

    public static TileDataset Read(string data, string? storeRoot = null, long decodedBytesBudget = DefaultDecodedBytesBudget)
    {
        if (File.Exists(data)) return ReadSnapshot(data, storeRoot, decodedBytesBudget);
        if (Directory.Exists(data)) return ReadFolder(data, decodedBytesBudget);
        throw new AutoRetrainException($"--data {data}: no such snapshot file or folder.");
    }

    public static TileDataset ReadSnapshot(string snapshotPath, string? storeRoot, long decodedBytesBudget = DefaultDecodedBytesBudget)
    {
        var snapshot = Json.Deserialize<Snapshot>(File.ReadAllText(snapshotPath), snapshotPath);
        if (!snapshot.Verify())
            throw new AutoRetrainException($"{snapshotPath}: the snapshot id does not match its entries (edited or corrupt manifest).");
        string datasets = storeRoot is not null
            ? Path.Combine(storeRoot, Containers.Datasets)
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(snapshotPath))!, ".."));
        TileFiles Files(SnapshotEntry e) => new(e.TileId, Resolve(datasets, e.ImageKey), Resolve(datasets, e.LabelKey));
        return Load(snapshot.Id, snapshot.Train.Select(Files).ToList(), snapshot.Validation.Select(Files).ToList(), decodedBytesBudget);
    }

    public static TileDataset ReadFolder(string folder, long decodedBytesBudget = DefaultDecodedBytesBudget)
    {
        string train = Path.Combine(folder, "train"), val = Path.Combine(folder, "val");
        if (Directory.Exists(train) && Directory.Exists(val))
            return Load(FolderId(folder), ImageFiles(train), ImageFiles(val), decodedBytesBudget);
        return Load(FolderId(folder), ImageFiles(folder), [], decodedBytesBudget);
    }

    /// <summary>Every labelled image directly in <paramref name="folder"/>, sorted by name, decoded; images without a sidecar are skipped.</summary>
    public static IReadOnlyList<LabelledTile> ReadImages(string folder) =>
        ImageFiles(folder).AsParallel().AsOrdered().Select(f => LoadTile(f.TileId, f.Image, f.Labels)).ToList();

    private sealed record TileFiles(string TileId, string Image, string Labels);

    private static List<TileFiles> ImageFiles(string folder)
    {
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Where(f => File.Exists(Path.Combine(folder, LabelFile.SidecarNameFor(Path.GetFileName(f)))))
            .Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0)
            throw new AutoRetrainException($"{folder}: no images with a {LabelFile.Suffix} sidecar found.");
        return images.Select(f => new TileFiles(LabelFile.StemOf(Path.GetFileName(f)), f,
            Path.Combine(folder, LabelFile.SidecarNameFor(Path.GetFileName(f))))).ToList();
    }

    /// <summary>Held pixels when every tile's decoded size fits the budget, else on-demand tiles sharing one cache.</summary>
    private static TileDataset Load(string id, IReadOnlyList<TileFiles> train, IReadOnlyList<TileFiles> validation, long decodedBytesBudget)
    {
        var headers = train.Concat(validation).AsParallel().AsOrdered()
            .Select(f => ImageReader.ReadInfo(f.Image)).ToList();
        if (headers.Sum(h => 3L * h.Width * h.Height) <= decodedBytesBudget)
            return new TileDataset(id,
                train.AsParallel().AsOrdered().Select(f => LoadTile(f.TileId, f.Image, f.Labels)).ToList(),
                validation.AsParallel().AsOrdered().Select(f => LoadTile(f.TileId, f.Image, f.Labels)).ToList());
        var cache = new DecodedSceneCache(decodedBytesBudget);
        LabelledTile OnDemand(TileFiles f, int i) => LabelledTile.OnDemand(f.TileId, f.Image, headers[i].Width, headers[i].Height,
            ReadLabels(f.Labels), cache, into => LoadRgb(f.Image, out _, into),
            headers[i].GroundSampleMetres);
        return new TileDataset(id, train.Select(OnDemand).ToList(), validation.Select((f, i) => OnDemand(f, train.Count + i)).ToList());
    }

    public static LabelledTile LoadTile(string tileId, string imagePath, string labelPath)
    {
        var objects = ReadLabels(labelPath);
        var rgb = LoadRgb(imagePath, out ImageInfo info);
        return new LabelledTile(tileId, imagePath, info.Width, info.Height, rgb, objects)
        {
            GroundSampleMetres = info.GroundSampleMetres,
        };
    }

    private static IReadOnlyList<LabelObject> ReadLabels(string labelPath)
    {
        var labels = LabelReader.ReadFile(labelPath);
        foreach (var o in labels.Objects)
            if (!o.Bounds.IsFinite || o.Bounds.Width <= 0 || o.Bounds.Height <= 0)
                throw new AutoRetrainException($"{labelPath}: object of class '{o.Class}' has an empty or invalid box {o.Bounds}.");
        return labels.Objects;
    }

    public static byte[] LoadRgb(string imagePath, out int width, out int height)
    {
        var rgb = LoadRgb(imagePath, out var info);
        (width, height) = (info.Width, info.Height);
        return rgb;
    }

    /// <summary>An image's RGB bytes and what its header says (size, georeference); decoded into <paramref name="into"/> when given.</summary>
    public static byte[] LoadRgb(string imagePath, out ImageInfo info, byte[]? into = null) =>
        ImageReader.DecodeRgb8(imagePath, out info, into: into);

    private static string Resolve(string datasets, string key)
    {
        StoreKeys.EnsureSafe(key);
        string path = Path.Combine(datasets, key.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(path) ? path : throw new AutoRetrainException($"{path}: file named by the snapshot is missing.");
    }

    private static string FolderId(string folder) => "folder:" + Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'));
}
