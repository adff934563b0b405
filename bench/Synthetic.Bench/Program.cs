// Synthetic tile generation speed: rendering one 256×256 tile (single thread), encoding it as PNG at the fast level the
// dataset writer uses, and writing
// a folder of tiles with sidecars the way `autoretrain generate` does (all cores).
// Run: dotnet run -c Release --project bench/Synthetic.Bench [-- tiles]
using System.Diagnostics;
using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Synthetic;

int tiles = args.Length > 0 ? int.Parse(args[0]) : 1000;
var generator = new SyntheticGenerator(new GeneratorOptions { Seed = 1 });
for (int i = 0; i < 20; i++) ImageWriter.EncodePng(256, 256, generator.Generate(100_000 + i).Rgb8);   // warm-up, JIT

// Wall time on a shared machine mostly measures the neighbours; the process's CPU time for the single-threaded
// parts is reported beside it as the steadier figure.
var process = Process.GetCurrentProcess();
int single = Math.Min(tiles, 200);
var sw = Stopwatch.StartNew();
var cpu = process.TotalProcessorTime;
var rendered = new List<byte[]>(single);
for (int i = 0; i < single; i++) rendered.Add(generator.Generate(i).Rgb8);
double generateMs = sw.Elapsed.TotalMilliseconds / single;
process.Refresh();
double generateCpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / single;

sw.Restart();
cpu = process.TotalProcessorTime;
long pngBytes = 0;
foreach (var rgb in rendered) pngBytes += ImageWriter.EncodePng(256, 256, rgb, ImageWriter.FastPngLevel).Length;
double pngMs = sw.Elapsed.TotalMilliseconds / single;
process.Refresh();
double pngCpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / single;

string folder = Path.Combine(Path.GetTempPath(), $"autoretrain-synthetic-bench-{Guid.NewGuid():N}");
sw.Restart();
var counts = new SyntheticDatasetWriter(generator, SyntheticImageFormat.Png).WriteTiles(folder, 0, tiles);
double writeSeconds = sw.Elapsed.TotalSeconds;
Directory.Delete(folder, recursive: true);

var result = new
{
    benchmark = "synthetic-generator",
    date = DateTimeOffset.UtcNow,
    machine = new { Environment.ProcessorCount, os = Environment.OSVersion.VersionString },
    tileSize = 256,
    singleThreadTiles = single,
    generateMsPerTile = generateMs,
    generateCpuMsPerTile = generateCpuMs,
    pngEncodeMsPerTile = pngMs,
    pngEncodeCpuMsPerTile = pngCpuMs,
    loadAverageAtEnd = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
    meanPngBytes = pngBytes / single,
    writtenTiles = tiles,
    writeSecondsAllCores = writeSeconds,
    writtenTilesPerSecond = tiles / writeSeconds,
    labelledObjects = counts,
};
string outPath = Path.Combine(FindRepoRoot(), "bench", "results", "synthetic.json");
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
File.WriteAllText(outPath, Json.Serialize(result));
Console.WriteLine($"generate {generateMs:F2} ms/tile ({generateCpuMs:F2} ms CPU), PNG {pngMs:F2} ms/tile ({pngCpuMs:F2} ms CPU), {tiles} tiles written in {writeSeconds:F1} s on {Environment.ProcessorCount} cores → {outPath}");

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "AutoRetrain.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
