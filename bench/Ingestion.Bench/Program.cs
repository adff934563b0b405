// Ingestion throughput for 512×512 PNG tiles with labels, as a ratio to the raw SHA-256 + decode rate of the
// same files measured in the same run. Run: dotnet run -c Release --project bench/Ingestion.Bench [-- tiles rounds]
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Local;

int tiles = args.Length > 0 ? int.Parse(args[0]) : 200;
int rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
const int size = 512;

Console.WriteLine($"preparing {tiles} PNG tiles of {size}×{size} with labels…");
var files = Enumerable.Range(0, tiles).Select(MakeTile).ToList();
long bytes = files.Sum(f => f.Png.Length);

// Raw and ingest timings are taken in alternating chunks of the same tiles, so that whatever else the
// machine does at a given moment weighs on both sides of the ratio alike.
const int chunk = 10;
var rawRates = new List<double>();
var ingestRates = new List<double>();
for (int round = 0; round < rounds; round++)
{
    string root = Path.Combine(Path.GetTempPath(), $"autoretrain-bench-{Guid.NewGuid():N}");
    var workspace = new LocalWorkspace(root);
    var ingestion = workspace.CreateIngestion();
    var raw = TimeSpan.Zero;
    var ingest = TimeSpan.Zero;
    var sw = new Stopwatch();
    for (int start = 0; start < files.Count; start += chunk)
    {
        var part = files.Skip(start).Take(chunk).ToList();
        sw.Restart();
        foreach (var (_, png, _) in part)
        {
            SHA256.HashData(png);
            ImageReader.Decode(png, "bench.png");
        }
        raw += sw.Elapsed;
        sw.Restart();
        foreach (var (name, png, labels) in part)
        {
            await ingestion.IngestAsync(name + ".png", png);
            await ingestion.IngestAsync(name + LabelFile.Suffix, labels);
        }
        ingest += sw.Elapsed;
    }
    rawRates.Add(tiles / raw.TotalSeconds);
    ingestRates.Add(tiles / ingest.TotalSeconds);
    var counts = await workspace.Ledger.GetCountsAsync();
    if (counts.Labelled != tiles) throw new InvalidOperationException($"expected {tiles} labelled tiles, got {counts.Labelled}.");
    workspace.Database.Dispose();
    Directory.Delete(root, recursive: true);
    Console.WriteLine($"round {round + 1}: raw {rawRates[^1]:F1} tiles/s, ingest {ingestRates[^1]:F1} tiles/s, ratio {ingestRates[^1] / rawRates[^1]:F3}");
}

double Median(List<double> v) { var s = v.Order().ToList(); return s[s.Count / 2]; }
var ratios = rawRates.Zip(ingestRates, (r, i) => i / r).ToList();
var result = new
{
    benchmark = "ingestion",
    date = DateTimeOffset.UtcNow,
    machine = new { Environment.ProcessorCount, os = Environment.OSVersion.VersionString },
    tiles,
    tileSize = size,
    meanPngBytes = bytes / tiles,
    rounds,
    rawHashDecodeTilesPerSecond = rawRates,
    ingestTilesPerSecond = ingestRates,
    ratioPerRound = ratios,
    medianRatio = Median(ratios),
    target = 0.7,
};
string outPath = Path.Combine(FindRepoRoot(), "bench", "results", "ingestion.json");
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, Json.Serialize(result));
Console.WriteLine($"median ratio ingest / (SHA-256 + decode) = {Median(ratios):F3} (target ≥ 0.7) → {outPath}");

// A tile that compresses like imagery (smooth ground, texture, a few bright objects), not like white noise.
static (string Name, byte[] Png, byte[] Labels) MakeTile(int index)
{
    var random = new Random(index);
    var rgb = new byte[size * size * 3];
    double fx = random.NextDouble() * 0.05, fy = random.NextDouble() * 0.05;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            int i = (y * size + x) * 3;
            double ground = 90 + 40 * Math.Sin(x * fx) * Math.Cos(y * fy);
            rgb[i] = (byte)Math.Clamp(ground + random.Next(-12, 12), 0, 255);
            rgb[i + 1] = (byte)Math.Clamp(ground + 15 + random.Next(-12, 12), 0, 255);
            rgb[i + 2] = (byte)Math.Clamp(ground - 10 + random.Next(-12, 12), 0, 255);
        }
    var objects = new List<LabelObject>();
    for (int k = 0; k < 12; k++)
    {
        int w = random.Next(8, 40), h = random.Next(8, 40), x0 = random.Next(0, size - w), y0 = random.Next(0, size - h);
        for (int y = y0; y < y0 + h; y++)
            for (int x = x0; x < x0 + w; x++)
                rgb[(y * size + x) * 3] = 230;
        objects.Add(LabelObject.Of(k % 3 == 0 ? "plane" : "small-vehicle", new BoundingBox(x0, y0, x0 + w, y0 + h)));
    }
    string name = $"tile-{index:D5}";
    var labels = new LabelFile { Image = name + ".png", Width = size, Height = size, Objects = objects };
    return (name, ImageWriter.EncodePng(size, size, rgb), Encoding.UTF8.GetBytes(Json.Serialize(labels)));
}

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
