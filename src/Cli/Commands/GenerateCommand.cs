using System.CommandLine;
using AutoRetrain.Synthetic;
using Spectre.Console;

namespace AutoRetrain.Cli;

public static partial class Commands
{
    private static Command Generate()
    {
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed writes the same bytes.", DefaultValueFactory = _ => 1 };
        var tiles = new Option<int>("--tiles") { Description = "Number of tiles (per batch with --stream).", DefaultValueFactory = _ => 100 };
        var size = new Option<int>("--size") { Description = "Tile width and height in pixels (64–4096); above 512 a scene is a mosaic of 256-px blocks, objects keep their pixel size.", DefaultValueFactory = _ => 256 };
        var stream = new Option<bool>("--stream") { Description = "Write batches batch-000/, batch-001/, ... with distribution drift and a stream.json manifest." };
        var batches = new Option<int>("--batches") { Description = "Number of batches in --stream mode.", DefaultValueFactory = _ => 5 };
        var format = new Option<string>("--format") { Description = "Image format: png, or tiff (GeoTIFF with georeference).", DefaultValueFactory = _ => "png" };
        format.AcceptOnlyFromAmong("png", "tiff");
        var longTail = new Option<double>("--long-tail") { Description = "Power-law exponent of class frequencies (head/rarest = 7^exponent).", DefaultValueFactory = _ => ClassMix.DefaultExponent };
        var output = new Option<string>("--out") { Description = "Output folder (created if missing).", Required = true };

        var command = new Command("generate", "Generate synthetic overhead imagery with label sidecars (long-tailed classes, optional drifting stream).");
        foreach (var option in new Option[] { seed, tiles, size, stream, batches, format, longTail, output }) command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            int tileCount = parseResult.GetValue(tiles);
            if (tileCount < 1)
            {
                Console.Error.WriteLine($"error: --tiles must be at least 1, got {tileCount}.");
                return 2;
            }
            var options = new GeneratorOptions { Seed = parseResult.GetValue(seed), TileSize = parseResult.GetValue(size), LongTailExponent = parseResult.GetValue(longTail) };
            var generator = new SyntheticGenerator(options);
            var imageFormat = parseResult.GetValue(format) == "tiff" ? SyntheticImageFormat.Tiff : SyntheticImageFormat.Png;
            var writer = new SyntheticDatasetWriter(generator, imageFormat);
            string folder = Path.GetFullPath(parseResult.GetValue(output)!);

            if (parseResult.GetValue(stream))
            {
                var plan = StreamPlan.Create(options, new StreamOptions { Batches = parseResult.GetValue(batches), TilesPerBatch = tileCount });
                int total = plan.Batches.Sum(b => b.Tiles);
                var manifest = WithProgress($"Generating {plan.Batches.Count} batches", total, report => writer.WriteStream(folder, plan, report));
                foreach (var e in manifest.Events) Console.WriteLine($"batch {e.Batch}: {e.Description}");
                Console.WriteLine($"Wrote {total} tiles in {plan.Batches.Count} batches and {StreamManifest.FileName} to {folder}");
            }
            else
            {
                var counts = WithProgress("Generating tiles", tileCount, report => writer.WriteTiles(folder, 0, tileCount, progress: report));
                Console.WriteLine($"Wrote {tileCount} tiles to {folder}; objects: {string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"))}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A progress bar on a terminal; one line per tenth of the work when output is redirected.</summary>
    private static T WithProgress<T>(string title, int total, Func<Action<int>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            int step = Math.Max(1, total / 10);
            return work(done => { if (done % step == 0 || done == total) Console.WriteLine($"{title}: {done}/{total}"); });
        }
        T result = default!;
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask(title, maxValue: total);
            result = work(done => task.Value = Math.Max(task.Value, done));
        });
        return result;
    }
}
