using System.Text;
using System.Text.Json;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Local.Reporting;

/// <summary>
/// Gathers the report's data from the workspace and writes <c>report.html</c>; rewritten after every cycle. With a
/// predictor it draws a few validation tiles with the champion's and the last rejected candidate's boxes.
/// </summary>
public sealed class ReportWriter(LocalWorkspace workspace, string project, IModelPredictor? predictor = null) : ICycleObserver
{
    /// <summary>Validation tiles drawn with predictions.</summary>
    public const int SampleTiles = 4;

    public string ReportPath => Path.Combine(workspace.Root, "report.html");

    public async Task<string> WriteAsync(CancellationToken ct = default)
    {
        string html = await RenderAsync(ct);
        string temp = ReportPath + ".partial";
        await File.WriteAllTextAsync(temp, html, ct);
        File.Move(temp, ReportPath, overwrite: true);
        return ReportPath;
    }

    /// <summary>The report as it stands now, without writing it (the dashboard serves it this way).</summary>
    public async Task<string> RenderAsync(CancellationToken ct = default)
    {
        var tiles = await workspace.Ledger.ListTilesAsync(ct);
        var counts = await workspace.Ledger.GetCountsAsync(ct);
        var histogram = new Dictionary<string, int>();
        foreach (var t in tiles)
            foreach (var (cls, n) in t.ClassCounts) histogram[cls] = histogram.GetValueOrDefault(cls) + n;
        var data = new ReportData
        {
            Project = project,
            GeneratedAt = DateTimeOffset.UtcNow,
            Cycles = await workspace.Cycles.ListAsync(project, ct),
            Decisions = await workspace.Cycles.ListDecisionsAsync(project, ct),
            ClassHistogram = histogram,
            QuarantineByCode = counts.QuarantinedByCode,
            Tiles = counts.Tiles,
            LabelledTiles = counts.Labelled,
            ChampionModelId = (await workspace.Registry.GetChampionAsync(ct)).ModelId,
            MainMetric = CycleStepsOptions.MainMetric,
        };
        var versions = await workspace.Registry.ListVersionsAsync(ct);
        data = data with
        {
            Holdout = ReadHoldout(),
            Epochs = await EpochsAsync(data.Cycles, versions, ct),
            Links = await LinksAsync(data.Cycles, versions, ct),
            Samples = predictor is null ? [] : await SamplesAsync(tiles, data.Cycles, data.ChampionModelId, versions, ct),
        };
        return HtmlReport.Render(data);
    }

    /// <summary>The file in which a run with a fixed holdout (the demo) keeps the champion's score on it after each cycle.</summary>
    public const string HoldoutFile = "demo-summary.json";

    private IReadOnlyList<HoldoutScore> ReadHoldout()
    {
        string path = Path.Combine(workspace.Root, HoldoutFile);
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("cycles", out var cycles) || cycles.ValueKind != JsonValueKind.Array) return [];
            var scores = new List<HoldoutScore>();
            foreach (var c in cycles.EnumerateArray())
                if (c.TryGetProperty("holdoutChampionMap50", out var map) && map.ValueKind == JsonValueKind.Number
                    && c.TryGetProperty("cycleId", out var id) && id.GetString() is { } cycleId)
                    scores.Add(new HoldoutScore(cycleId, map.GetDouble(),
                        c.TryGetProperty("holdoutPerClassAp50", out var perClass) && perClass.ValueKind == JsonValueKind.Object
                            ? perClass.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble())
                            : new Dictionary<string, double>()));
            return scores;
        }
        catch (JsonException)
        {
            return []; // a summary being written or from another version: the report goes without the holdout
        }
    }

    /// <summary>The curves of the model each cycle kept as its candidate (the first trained one when none was kept).</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<EpochPoint>>> EpochsAsync(IReadOnlyList<CycleRecord> cycles,
        IReadOnlyList<Core.Registry.ModelVersion> versions, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<EpochPoint>>();
        foreach (var cycle in cycles)
        {
            var model = versions.FirstOrDefault(v => v.Id == cycle.CandidateModelId) ?? versions.FirstOrDefault(v => v.CycleId == cycle.Id);
            if (model is null || await workspace.Store.GetAsync(Containers.Models, $"{model.ArtifactKey}/{TrainerOutputs.EpochMetrics}", ct) is not { } bytes)
                continue;
            var points = new List<EpochPoint>();
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    var r = doc.RootElement;
                    if (r.TryGetProperty("epoch", out var e) && e.TryGetInt32(out int epoch) && r.TryGetProperty("loss", out var loss)
                        && loss.ValueKind == JsonValueKind.Number)
                        points.Add(new EpochPoint(epoch, loss.GetDouble(),
                            r.TryGetProperty("valMap50", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null));
                }
                catch (JsonException) { /* a line being written */ }
            }
            if (points.Count > 0) result[cycle.Id] = points;
        }
        return result;
    }

    private async Task<IReadOnlyDictionary<string, CycleLinks>> LinksAsync(IReadOnlyList<CycleRecord> cycles,
        IReadOnlyList<Core.Registry.ModelVersion> versions, CancellationToken ct)
    {
        var result = new Dictionary<string, CycleLinks>();
        foreach (var cycle in cycles)
        {
            string? run = null;
            if (await workspace.Store.GetAsync(Containers.Runs, AutoRetrain.Orchestration.Steps.CycleKeys.TrackingRunMarker(cycle.Id), ct) is { } id
                && Encoding.UTF8.GetString(id).Trim() is { Length: > 0 } runId && Directory.Exists(workspace.MlrunsFolder))
                run = Directory.EnumerateDirectories(workspace.MlrunsFolder).Select(e => Path.Combine(e, runId)).FirstOrDefault(Directory.Exists);
            var model = versions.FirstOrDefault(v => v.Id == cycle.CandidateModelId);
            string? folder = model is null ? null : workspace.Store.PathOf(Containers.Models, model.ArtifactKey);
            if (run is null && folder is null) continue;
            result[cycle.Id] = new CycleLinks(run is null ? null : Relative(run), folder is null || !Directory.Exists(folder) ? null : Relative(folder));
        }
        return result;
    }

    private async Task<IReadOnlyList<SampleTile>> SamplesAsync(IReadOnlyList<Core.Tiles.TileRecord> tiles, IReadOnlyList<CycleRecord> cycles,
        string? championId, IReadOnlyList<Core.Registry.ModelVersion> versions, CancellationToken ct)
    {
        var models = new List<(string Role, Core.Registry.ModelVersion Model)>();
        if (versions.FirstOrDefault(v => v.Id == championId) is { } champion) models.Add(("champion", champion));
        if (cycles.LastOrDefault(c => c.Status == CycleStatus.Rejected && c.CandidateModelId is not null) is { } rejected
            && versions.FirstOrDefault(v => v.Id == rejected.CandidateModelId) is { } candidate)
            models.Add(($"rejected candidate of {rejected.Id}", candidate));
        if (models.Count == 0) return [];

        // Browsers show PNG and JPEG; the first validation tiles by id, so the same tiles appear in every report.
        var chosen = tiles.Where(t => t.Split == Core.Snapshots.Split.Validation && t.LabelKey is not null && MimeOf(t.ImageKey) is not null)
            .OrderBy(t => t.Id.Value, StringComparer.Ordinal).Take(SampleTiles).ToList();
        var samples = new List<SampleTile>();
        var entries = chosen.Select(t => new Core.Snapshots.SnapshotEntry(t.Id.Value, "", t.Split, t.ImageKey, t.LabelKey!)).ToList();
        var predictions = new List<(string Role, string ModelId, IReadOnlyList<TilePredictions> Tiles)>();
        foreach (var (role, model) in models)
            predictions.Add((role, model.Id, await predictor!.PredictAsync(model.ArtifactKey, entries, ct)));
        foreach (var tile in chosen)
        {
            if (await workspace.Store.GetAsync(Containers.Datasets, tile.ImageKey, ct) is not { } image
                || await workspace.Store.GetAsync(Containers.Datasets, tile.LabelKey!, ct) is not { } label)
                continue;
            var labels = Core.Json.Deserialize<Core.Labels.LabelFile>(Encoding.UTF8.GetString(label), tile.LabelKey!);
            samples.Add(new SampleTile(tile.Id.Value, $"data:{MimeOf(tile.ImageKey)};base64,{Convert.ToBase64String(image)}",
                labels.Width ?? tile.Image.Width, labels.Height ?? tile.Image.Height, labels.Objects,
                [.. predictions.Select(p => new SamplePredictions(p.Role, p.ModelId,
                    p.Tiles.FirstOrDefault(t => t.TileId == tile.Id.Value)?.Objects ?? []))]));
        }
        return samples;
    }

    private static string? MimeOf(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        _ => null,
    };

    private string Relative(string path) => Path.GetRelativePath(workspace.Root, path).Replace('\\', '/') + "/";

    public Task CycleRecordedAsync(CycleRecord record, CancellationToken ct) => WriteAsync(ct);
}
