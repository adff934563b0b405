using System.Text.Json;
using AutoRetrain.Core;

namespace AutoRetrain.Detector.Training;

/// <summary>One line of the sample weights file: how strongly to draw a tile (0 leaves it out).</summary>
public sealed record TileWeight(string TileId, double Weight);

/// <summary>One line of the per-tile statistics the trainer writes for the next cycle's samplers.</summary>
public sealed record TileTrainingStats(string TileId, double Loss, double[] TrueClassProbabilities);

// TEMPORARY field-compatible stand-ins until SampleWeights (src/Core/Sampling) and TileTrainingStats
// (src/Core/SampleLedger) land on main; the JSON-lines layout is the agreed one.
public static class TileSampleFiles
{
    public static IReadOnlyDictionary<string, double> ReadWeights(string path)
    {
        if (!File.Exists(path)) throw new AutoRetrainException($"--weights {path}: file not found.");
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var w = Json.Deserialize<TileWeight>(line, $"{path} line {lineNumber}");
            if (string.IsNullOrEmpty(w.TileId) || !double.IsFinite(w.Weight) || w.Weight < 0)
                throw new AutoRetrainException($"{path} line {lineNumber}: needs a tileId and a finite weight ≥ 0.");
            weights[w.TileId] = w.Weight;
        }
        return weights;
    }

    public static void WriteStats(string path, IEnumerable<TileTrainingStats> stats)
    {
        using var writer = new StreamWriter(path);
        foreach (var s in stats) writer.WriteLine(JsonSerializer.Serialize(s, Json.Compact));
    }

    public static IReadOnlyList<TileTrainingStats> ReadStats(string path) =>
        File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l))
            .Select((l, i) => Json.Deserialize<TileTrainingStats>(l, $"{path} line {i + 1}")).ToList();
}
