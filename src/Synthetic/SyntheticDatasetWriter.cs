using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Synthetic;

public enum SyntheticImageFormat { Png, Tiff }

/// <summary>What the stream manifest says about one batch.</summary>
public sealed record StreamManifestBatch(
    int Index, string Folder, int FirstTile, int Tiles, Season Season,
    IReadOnlyDictionary<string, double> ClassShares, IReadOnlyDictionary<string, int> LabelledObjects,
    IReadOnlyList<DriftEvent> Events);

/// <summary>The stream manifest, <c>stream.json</c>, next to the batch folders.</summary>
public sealed record StreamManifest(int Seed, int TileSize, SyntheticImageFormat Format, IReadOnlyList<StreamManifestBatch> Batches, IReadOnlyList<DriftEvent> Events)
{
    public const string FileName = "stream.json";
}

/// <summary>
/// Writes generated tiles as real data: <c>name.png</c> or <c>name.tif</c> (GeoTIFF) with its
/// <c>name.labels.json</c> sidecar. Tiles are generated in parallel; every file depends only on its own tile.
/// </summary>
public sealed class SyntheticDatasetWriter(SyntheticGenerator generator, SyntheticImageFormat format)
{
    /// <summary>Writes tiles <paramref name="firstIndex"/>.. into <paramref name="folder"/>; returns labelled objects per class.</summary>
    public IReadOnlyDictionary<string, int> WriteTiles(string folder, int firstIndex, int count, TileConditions? conditions = null,
        Action<int>? progress = null)
    {
        if (count < 0) throw new AutoRetrainException($"cannot write a negative number of tiles ({count}).");
        Directory.CreateDirectory(folder);
        var counts = SyntheticClasses.All.ToDictionary(c => c.Name, _ => 0);
        int done = 0;
        Parallel.For(firstIndex, firstIndex + count, index =>
        {
            var tile = generator.Generate(index, conditions ?? generator.DefaultConditions);
            WriteTile(tile, folder);
            lock (counts)
                foreach (var o in tile.Labels.Objects) counts[o.Class]++;
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        return counts;
    }

    /// <summary>Writes every batch of the plan into its folder and the manifest beside them.</summary>
    public StreamManifest WriteStream(string folder, StreamPlan plan, Action<int>? progress = null)
    {
        Directory.CreateDirectory(folder);
        var batches = new List<StreamManifestBatch>();
        int before = 0;
        foreach (var batch in plan.Batches)
        {
            int offset = before;
            var counts = WriteTiles(Path.Combine(folder, batch.Folder), batch.FirstTileIndex, batch.Tiles, batch.Conditions,
                progress is null ? null : done => progress(offset + done));
            before += batch.Tiles;
            batches.Add(new(batch.Index, batch.Folder, batch.FirstTileIndex, batch.Tiles, batch.Conditions.Season,
                batch.Conditions.Mix.Shares(), counts, batch.Events));
        }
        var manifest = new StreamManifest(generator.Options.Seed, generator.Options.TileSize, format, batches, plan.Events);
        File.WriteAllText(Path.Combine(folder, StreamManifest.FileName), Json.Serialize(manifest));
        return manifest;
    }

    public string WriteTile(GeneratedTile tile, string folder)
    {
        string imageName = tile.Name + (format == SyntheticImageFormat.Png ? ".png" : ".tif");
        byte[] bytes = format == SyntheticImageFormat.Png
            ? ImageWriter.EncodePng(tile.Width, tile.Height, tile.Rgb8, ImageWriter.FastPngLevel)   // thousands of tiles: speed over a few % of size
            : ImageWriter.EncodeGeoTiff(tile.ToRaster(), tile.Geo);
        string imagePath = Path.Combine(folder, imageName);
        File.WriteAllBytes(imagePath, bytes);
        var labels = tile.Labels with { Image = imageName };
        File.WriteAllText(Path.Combine(folder, LabelFile.SidecarNameFor(imageName)), Json.Serialize(labels));
        return imagePath;
    }
}
