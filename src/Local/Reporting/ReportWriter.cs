using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Local.Reporting;

/// <summary>Gathers the report's data from the workspace and writes <c>report.html</c>; rewritten after every cycle.</summary>
public sealed class ReportWriter(LocalWorkspace workspace, string project) : ICycleObserver
{
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
        return HtmlReport.Render(data);
    }

    public Task CycleRecordedAsync(CycleRecord record, CancellationToken ct) => WriteAsync(ct);
}
