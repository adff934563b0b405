using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Data;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// Test fixtures: small tiles with coloured squares on a noisy grey ground, one colour per class, so a
/// tiny detector can learn them in seconds. Written as PNG + sidecar when a test needs files.
/// </summary>
internal static class ShapeTiles
{
    public static readonly IReadOnlyDictionary<string, byte[]> Colours = new Dictionary<string, byte[]>
    {
        ["car"] = [220, 40, 40], ["boat"] = [40, 60, 220], ["tank"] = [240, 240, 60],
    };

    public static List<LabelledTile> Make(int count, int size, IReadOnlyList<string> classes, int seed, int objectsPerTile = 3, int objectSize = 12)
    {
        var rng = new Random(seed);
        var tiles = new List<LabelledTile>();
        for (int t = 0; t < count; t++)
        {
            var rgb = new byte[size * size * 3];
            for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(100 + rng.Next(30));
            var objects = new List<LabelObject>();
            for (int o = 0; o < objectsPerTile; o++)
            {
                string cls = classes[rng.Next(classes.Count)];
                int x0 = rng.Next(2, size - objectSize - 2), y0 = rng.Next(2, size - objectSize - 2);
                var box = new BoundingBox(x0, y0, x0 + objectSize, y0 + objectSize);
                if (objects.Any(p => p.Bounds.Intersect(box).Area > 0)) continue;
                for (int y = y0; y < y0 + objectSize; y++)
                for (int x = x0; x < x0 + objectSize; x++)
                    Colours[cls].CopyTo(rgb, (y * size + x) * 3);
                objects.Add(LabelObject.Of(cls, box));
            }
            tiles.Add(new LabelledTile($"tile-{seed}-{t:D3}", "memory", size, size, rgb, objects));
        }
        return tiles;
    }

    public static void WriteFolder(IEnumerable<LabelledTile> tiles, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var tile in tiles)
        {
            string image = tile.TileId + ".png";
            File.WriteAllBytes(Path.Combine(folder, image), ImageWriter.EncodePng(tile.Width, tile.Height, tile.Rgb));
            var labels = new LabelFile { Image = image, Width = tile.Width, Height = tile.Height, Objects = tile.Objects };
            File.WriteAllText(Path.Combine(folder, LabelFile.SidecarNameFor(image)), Json.Serialize(labels));
        }
    }
}

/// <summary>A temporary folder removed at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "detector-tests-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
