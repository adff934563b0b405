using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Synthetic;

namespace AutoRetrain.Cli.Hosting;

/// <summary>Where a demo's imagery comes from: its batches, what each batch writes into the incoming folder, and
/// the fixed holdout the champion is scored on after every cycle.</summary>
public interface IDemoStream
{
    IReadOnlyList<StreamBatch> Batches { get; }

    /// <summary>The classes the holdout is scored on, in a fixed order.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Writes a batch's images and sidecars into <paramref name="folder"/> (a sub-folder of incoming/).</summary>
    void WriteBatch(StreamBatch batch, string folder);

    /// <summary>Writes the holdout into <paramref name="folder"/> (datasets/holdout/) and returns its entries, keys under holdout/.</summary>
    IReadOnlyList<SnapshotEntry> WriteHoldout(string folder);
}

/// <summary>The generated stream: a rare class, a new class appearing, a class becoming common, a season change.</summary>
public sealed class GeneratedDemoStream : IDemoStream
{
    private readonly DemoSettings settings;
    private readonly SyntheticDatasetWriter writer;
    private readonly StreamPlan plan;

    public GeneratedDemoStream(DemoSettings settings)
    {
        this.settings = settings;
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = settings.Seed, TileSize = settings.TileSize });
        writer = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png);
        plan = StreamPlan.Create(generator.Options, new StreamOptions
        {
            Batches = settings.Batches, TilesPerBatch = settings.TilesPerBatch, NewClassBatch = settings.NewClassBatch,
            RisingClassBatch = settings.RisingClassBatch, SeasonChangeBatch = settings.SeasonChangeBatch ?? settings.Batches,
        });
    }

    public IReadOnlyList<StreamBatch> Batches => plan.Batches;

    public IReadOnlyList<string> Classes { get; } = SyntheticClasses.All.Select(c => c.Name).ToList();

    public void WriteBatch(StreamBatch batch, string folder) => writer.WriteTiles(folder, batch.FirstTileIndex, batch.Tiles, batch.Conditions);

    /// <summary>A fixed holdout from another seed and the final class mix.</summary>
    public IReadOnlyList<SnapshotEntry> WriteHoldout(string folder)
    {
        var generator = new SyntheticGenerator(new GeneratorOptions { Seed = settings.Seed + 1000, TileSize = settings.TileSize, NamePrefix = "holdout" });
        new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png).WriteTiles(folder, 0, settings.HoldoutTiles);
        return Enumerable.Range(0, settings.HoldoutTiles).Select(generator.NameOf)
            .Select(name => new SnapshotEntry(name, "", Split.Validation, $"holdout/{name}.png", $"holdout/{name}{LabelFile.Suffix}"))
            .ToList();
    }
}

/// <summary>
/// Real labelled imagery replayed as a stream: a folder of images with <c>.labels.json</c> sidecars (what
/// <c>autoretrain import</c> writes). The images arrive in name order (the sidecar format records no capture time,
/// and names such as <c>P0001</c> or dated file names usually follow capture), cut into <c>batches</c> consecutive
/// batches of nearly equal size. The holdout is fixed: a folder with <c>train/</c> and <c>val/</c> keeps that split
/// (val/ is the holdout, so the augmented copies of one source image never straddle it); otherwise the images whose
/// name hashes below <c>holdoutFraction</c> (SHA-256 of the file name, so the choice never depends on the seed or
/// on the other images).
/// </summary>
public sealed class LabelledFolderStream : IDemoStream
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];
    private readonly IReadOnlyList<string> stream;
    private readonly IReadOnlyList<string> holdout;
    private readonly List<StreamBatch> batches = [];

    public LabelledFolderStream(string folder, int batchCount, double holdoutFraction)
    {
        if (!Directory.Exists(folder)) throw new AutoRetrainException($"--data {folder}: no such folder.");
        if (batchCount < 1) throw new AutoRetrainException($"--batches must be at least 1, got {batchCount}.");
        if (!(holdoutFraction > 0 && holdoutFraction < 1))
            throw new AutoRetrainException($"--holdout-fraction must lie in (0, 1), got {holdoutFraction}.");
        string train = Path.Combine(folder, "train"), val = Path.Combine(folder, "val");
        if (Directory.Exists(train) && Directory.Exists(val))
            (stream, holdout) = (LabelledImages(train), LabelledImages(val));
        else
        {
            var all = LabelledImages(folder);
            holdout = all.Where(f => InHoldout(Path.GetFileName(f), holdoutFraction)).ToList();
            stream = all.Except(holdout).ToList();
        }
        if (holdout.Count == 0) throw new AutoRetrainException($"--data {folder}: the holdout is empty; raise --holdout-fraction or add images.");
        if (stream.Count < batchCount)
            throw new AutoRetrainException($"--data {folder}: {stream.Count} images to stream cannot make {batchCount} batches.");
        for (int b = 0, first = 0; b < batchCount; b++)
        {
            int size = stream.Count / batchCount + (b < stream.Count % batchCount ? 1 : 0);
            batches.Add(new StreamBatch(b, StreamPlan.FolderOf(b), first, size, new TileConditions(new ClassMix(new Dictionary<string, double>()), Season.Summer), []));
            first += size;
        }
        Classes = stream.Concat(holdout).SelectMany(f => LabelReader.ReadFile(SidecarOf(f)).Objects).Select(o => o.Class)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<StreamBatch> Batches => batches;

    public IReadOnlyList<string> Classes { get; }

    public int StreamImages => stream.Count;

    public int HoldoutImages => holdout.Count;

    public void WriteBatch(StreamBatch batch, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string image in stream.Skip(batch.FirstTileIndex).Take(batch.Tiles)) CopyWithSidecar(image, folder);
    }

    public IReadOnlyList<SnapshotEntry> WriteHoldout(string folder)
    {
        Directory.CreateDirectory(folder);
        return holdout.Select(image =>
        {
            CopyWithSidecar(image, folder);
            string name = Path.GetFileName(image);
            return new SnapshotEntry(LabelFile.StemOf(name), "", Split.Validation, $"holdout/{name}", $"holdout/{LabelFile.SidecarNameFor(name)}");
        }).ToList();
    }

    /// <summary>Whether a file name falls in the holdout: the first 8 bytes of its SHA-256, as a fraction of 2^64.</summary>
    public static bool InHoldout(string fileName, double fraction) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(fileName))) / 18446744073709551616.0 < fraction;

    private static List<string> LabelledImages(string folder)
    {
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && File.Exists(SidecarOf(f)))
            .Order(StringComparer.Ordinal).ToList();
        return images.Count > 0 ? images
            : throw new AutoRetrainException($"{folder}: no images with a {LabelFile.Suffix} sidecar (write them with `autoretrain import`).");
    }

    private static string SidecarOf(string image) => Path.Combine(Path.GetDirectoryName(image)!, LabelFile.SidecarNameFor(Path.GetFileName(image)));

    private static void CopyWithSidecar(string image, string folder)
    {
        File.Copy(image, Path.Combine(folder, Path.GetFileName(image)), overwrite: true);
        File.Copy(SidecarOf(image), Path.Combine(folder, LabelFile.SidecarNameFor(Path.GetFileName(image))), overwrite: true);
    }
}
