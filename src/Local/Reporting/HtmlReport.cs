using System.Globalization;
using System.Net;
using System.Text;
using AutoRetrain.Core.Cycles;
using ScottPlot;

namespace AutoRetrain.Local.Reporting;

/// <summary>
/// The report: one self-contained HTML file (charts as inline SVG, no scripts, no external files). The headline is
/// the champion's mAP50 across cycles on a fixed holdout where the workspace has one (candidates' validation scores
/// marked as such: the validation split grows every batch, so they are not comparable across cycles), then each
/// cycle's training curves, the champion's AP50 per class with the change from the previous champion, triggers and
/// decisions on a timeline, training time, the class histogram, the quarantine, and the cycles with links to their
/// MLflow runs and model folders. Every colour has a legend; panels without data are left out; axes follow the data.
/// </summary>
public static class HtmlReport
{
    private const int ChartWidth = 760, ChartHeight = 340;

    public static string Render(ReportData data)
    {
        _ = ChartFonts.Family;
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>AutoRetrain — {{E(data.Project)}}</title>
            <style>
            body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222; max-width: 1600px; }
            h1 { margin-bottom: 4px; } .sub { color: #666; margin-top: 0; }
            .cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
            .card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; min-width: 140px; }
            .card b { display: block; font-size: 1.5em; }
            .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(780px, 1fr)); gap: 16px; }
            figure { margin: 0; border: 1px solid #eee; border-radius: 6px; padding: 8px; }
            figcaption { font-weight: bold; margin-bottom: 4px; }
            table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin-top: 16px; }
            th, td { border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }
            th { background: #f5f5f5; }
            .Promoted { color: #1a7f37; font-weight: bold; } .Rejected { color: #9a6700; } .Failed { color: #cf222e; font-weight: bold; }
            .swatch { display: inline-block; width: 14px; height: 10px; border: 2px solid; margin-left: 12px; vertical-align: middle; }
            .up { color: #1a7f37; } .down { color: #cf222e; font-weight: bold; }
            </style></head><body>
            <h1>AutoRetrain — {{E(data.Project)}}</h1>
            <p class="sub">Report generated {{data.GeneratedAt:yyyy-MM-dd HH:mm:ss}} UTC. Champion: {{E(data.ChampionModelId ?? "none yet")}}</p>
            <div class="cards">
            <div class="card">tiles<b>{{data.Tiles}}</b></div>
            <div class="card">labelled<b>{{data.LabelledTiles}}</b></div>
            <div class="card">cycles<b>{{data.Cycles.Count}}</b></div>
            <div class="card">promoted<b>{{data.Cycles.Count(c => c.Status == CycleStatus.Promoted)}}</b></div>
            <div class="card">quarantined<b>{{data.QuarantineByCode.Values.Sum()}}</b></div>
            </div>
            <div class="grid">
            """);
        bool holdout = data.Holdout.Count > 0;
        Figure(html, holdout ? $"Champion {data.MainMetric} on the fixed holdout across cycles" : $"Champion {data.MainMetric} across cycles",
            MetricChart(data), "headline");
        if (data.Epochs.Count > 0)
        {
            Figure(html, "Training loss per epoch", EpochChart(data, p => p.Loss, "loss"), "loss-curves");
            if (data.Epochs.Values.Any(points => points.Any(p => p.ValMap50 is not null)))
                Figure(html, $"Validation {data.MainMetric} per epoch", EpochChart(data, p => p.ValMap50 ?? double.NaN, data.MainMetric), "map-curves");
        }
        if (data.Decisions.Count > 0) Figure(html, "Triggers and decisions", TimelineChart(data), "timeline");
        if (data.Cycles.Count > 0) Figure(html, "Training time per cycle", TrainingTimeChart(data), "training-time");
        if (data.ClassHistogram.Count > 0) Figure(html, "Objects per class in the labelled data", Bars(data.ClassHistogram, "objects"), "classes");
        if (data.QuarantineByCode.Count > 0) Figure(html, "Quarantined inputs by reason", Bars(data.QuarantineByCode, "files"), "quarantine");
        html.Append("</div>\n");
        ChampionPerClassTable(html, data);
        SampleTiles(html, data);
        CycleTable(html, data);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Figure(StringBuilder html, string caption, Plot plot, string id)
    {
        string svg = plot.GetSvgXml(ChartWidth, ChartHeight);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        html.Append($"<figure id=\"{id}\"><figcaption>").Append(E(caption)).Append("</figcaption>\n")
            .Append(start >= 0 ? svg[start..] : svg).Append("\n</figure>\n");
    }

    private static double[] CycleAxis(ReportData data) => Enumerable.Range(1, data.Cycles.Count).Select(i => (double)i).ToArray();

    private static Plot MetricChart(ReportData data)
    {
        var plot = new Plot();
        var xs = CycleAxis(data);
        if (xs.Length == 0) return plot;
        var candidate = data.Cycles.Select(c => c.Metrics.TryGetValue(data.MainMetric, out double v) ? v : double.NaN).ToArray();
        var points = plot.Add.ScatterPoints(xs, candidate);
        points.LegendText = "candidate, on its cycle's validation split (grows each batch: not comparable across cycles)";
        points.MarkerShape = MarkerShape.OpenCircle;
        points.MarkerSize = 9;
        points.Color = Colors.Gray;
        double[] champion;
        string championLabel;
        if (data.Holdout.Count > 0)
        {
            var byCycle = data.Holdout.ToDictionary(h => h.CycleId, h => h.Map50);
            champion = data.Cycles.Select(c => byCycle.TryGetValue(c.Id, out double v) ? v : double.NaN).ToArray();
            championLabel = "champion after the cycle, on the fixed holdout";
        }
        else
        {
            // No fixed holdout: the champion's score is the last promoted candidate's, held until the next promotion.
            double current = double.NaN;
            champion = data.Cycles.Select(c =>
            {
                if (c.Status == CycleStatus.Promoted && c.Metrics.TryGetValue(data.MainMetric, out double v)) current = v;
                return current;
            }).ToArray();
            championLabel = "champion, on the validation split it was promoted on";
        }
        var line = plot.Add.Scatter(xs, champion);
        line.LegendText = championLabel;
        line.LineWidth = 3;
        line.MarkerSize = 8;
        line.Color = Colors.Blue;
        plot.ShowLegend(Edge.Bottom); // below the axes: inside, it hid the champion's line
        Axes(plot, "cycle", data.MainMetric);
        FitY(plot, [.. candidate, .. champion]);
        return plot;
    }

    /// <summary>The y axis around the data (with a margin), never past [0, 1] for scores.</summary>
    private static void FitY(Plot plot, IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return;
        double low = finite.Min(), high = finite.Max(), pad = Math.Max((high - low) * 0.1, 0.01);
        plot.Axes.SetLimitsY(Math.Max(0, low - pad), Math.Min(1, high + pad));
    }

    private static Plot EpochChart(ReportData data, Func<EpochPoint, double> value, string label)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var cycle in data.Cycles)
        {
            if (!data.Epochs.TryGetValue(cycle.Id, out var points)) continue;
            var s = plot.Add.Scatter(points.Select(p => (double)p.Epoch).ToArray(), points.Select(value).ToArray());
            s.LegendText = $"{cycle.Id} ({cycle.Status})";
            s.Color = palette.GetColor(i++);
            s.MarkerSize = 4;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.XLabel("epoch");
        plot.YLabel(label);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return plot;
    }

    private static Plot TimelineChart(ReportData data)
    {
        var plot = new Plot();
        if (data.Decisions.Count > 0)
        {
            var t0 = data.Decisions.Min(d => d.At);
            double Minutes(DateTimeOffset t) => (t - t0).TotalMinutes;
            var waits = data.Decisions.Where(d => !d.Retrain).ToList();
            var retrains = data.Decisions.Where(d => d.Retrain).ToList();
            if (waits.Count > 0)
            {
                var w = plot.Add.ScatterPoints(waits.Select(d => Minutes(d.At)).ToArray(), waits.Select(_ => 0.0).ToArray());
                w.LegendText = "wait";
                w.MarkerSize = 9;
            }
            if (retrains.Count > 0)
            {
                var r = plot.Add.ScatterPoints(retrains.Select(d => Minutes(d.At)).ToArray(), retrains.Select(_ => 1.0).ToArray());
                r.LegendText = "retrain";
                r.MarkerSize = 12;
                r.MarkerShape = MarkerShape.FilledTriangleUp;
            }
            foreach (var group in data.Cycles.Where(c => c.EndedAt is not null).GroupBy(c => c.Status))
            {
                var end = plot.Add.ScatterPoints(group.Select(c => Minutes(c.EndedAt!.Value)).ToArray(), group.Select(_ => 2.0).ToArray());
                end.MarkerSize = 12;
                end.MarkerShape = MarkerShape.FilledSquare;
                end.Color = OutcomeColour(group.Key);
                end.LegendText = $"cycle {group.Key.ToString().ToLowerInvariant()}";
            }
            plot.ShowLegend(Alignment.UpperLeft);
        }
        plot.Axes.Left.SetTicks([0, 1, 2], ["wait", "retrain", "cycle end"]);
        plot.Axes.SetLimitsY(-0.5, 2.5);
        Axes(plot, "minutes since the first decision", "");
        return plot;
    }

    private static Color OutcomeColour(CycleStatus status) => status switch
    {
        CycleStatus.Promoted => Colors.Green,
        CycleStatus.Rejected => Colors.Orange,
        _ => Colors.Red,
    };

    private static Plot TrainingTimeChart(ReportData data)
    {
        var plot = new Plot();
        var values = data.Cycles.Select(c => c.DurationsSeconds.GetValueOrDefault("train") / 60).ToArray();
        if (values.Length > 0)
        {
            var bars = plot.Add.Bars(values);
            for (int i = 0; i < bars.Bars.Count; i++)
            {
                bars.Bars[i].Position = i + 1;
                bars.Bars[i].FillColor = OutcomeColour(data.Cycles[i].Status);
            }
            foreach (var status in data.Cycles.Select(c => c.Status).Distinct())
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = status.ToString().ToLowerInvariant(), FillColor = OutcomeColour(status) });
            plot.ShowLegend(Alignment.UpperLeft);
        }
        Axes(plot, "cycle", "training minutes");
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static Plot Bars(IReadOnlyDictionary<string, int> counts, string unit)
    {
        var plot = new Plot();
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (ordered.Count > 0)
        {
            plot.Add.Bars(ordered.Select(kv => (double)kv.Value).ToArray());
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, ordered.Count).Select(i => (double)i).ToArray(),
                ordered.Select(kv => kv.Key).ToArray());
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 90;
        }
        Axes(plot, "", unit);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static void Axes(Plot plot, string x, string y)
    {
        plot.XLabel(x);
        plot.YLabel(y);
        if (x == "cycle") plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
    }

    private static void CycleTable(StringBuilder html, ReportData data)
    {
        html.Append("<h2>Cycles</h2><table><tr><th>cycle</th><th>started</th><th>trigger</th><th>outcome</th>")
            .Append($"<th>{E(data.MainMetric)} (validation)</th><th>reasons</th><th>train / total (s)</th><th>links</th></tr>\n");
        foreach (var c in data.Cycles)
        {
            string metric = c.Metrics.TryGetValue(data.MainMetric, out double v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
            double total = c.EndedAt is { } end ? (end - c.StartedAt).TotalSeconds : double.NaN;
            var reasons = c.Status == CycleStatus.Failed ? [c.FailureCause ?? ""] : c.DecisionReasons;
            html.Append($"<tr><td>{E(c.Id)}</td><td>{c.StartedAt:HH:mm:ss}</td><td>{E(string.Join("; ", c.TriggerReasons))}</td>")
                .Append($"<td class=\"{c.Status}\">{c.Status}</td><td>{metric}</td><td>{E(string.Join("; ", reasons))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{c.DurationsSeconds.GetValueOrDefault("train"):F0} / {total:F0}</td>")
                .Append("<td>").Append(LinksOf(data, c.Id)).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
        if (data.Decisions.Count > 0)
        {
            html.Append("<h2>Decisions</h2><table><tr><th>time</th><th>decision</th><th>reasons</th></tr>\n");
            foreach (var d in data.Decisions)
                html.Append($"<tr><td>{d.At:HH:mm:ss}</td><td>{(d.Retrain ? "retrain" : "wait")}</td><td>{E(string.Join("; ", d.Reasons))}</td></tr>\n");
            html.Append("</table>\n");
        }
    }

    private static string LinksOf(ReportData data, string cycleId)
    {
        if (!data.Links.TryGetValue(cycleId, out var links)) return "";
        var parts = new List<string>();
        if (links.MlflowRun is { } run) parts.Add($"<a href=\"{Href(run)}\">MLflow run</a>");
        if (links.ModelFolder is { } model) parts.Add($"<a href=\"{Href(model)}\">model</a>");
        return string.Join(" · ", parts);
    }

    /// <summary>A relative path as a link: each segment escaped (model folders hold characters such as '*').</summary>
    private static string Href(string relative) =>
        E(string.Join('/', relative.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>
    /// The champion's AP50 per class (on the fixed holdout where there is one, else on the validation split it was
    /// promoted on) beside the previous champion's, with the change.
    /// </summary>
    private static void ChampionPerClassTable(StringBuilder html, ReportData data)
    {
        IReadOnlyDictionary<string, double>? current = null, previous = null;
        string basis;
        if (data.Holdout.Count > 0)
        {
            // The champion changes only when a cycle promotes: compare the last two distinct champions.
            var afterPromotions = data.Holdout.Where(h => data.Cycles.Any(c => c.Id == h.CycleId && c.Status == CycleStatus.Promoted)).ToList();
            current = afterPromotions.LastOrDefault()?.PerClassAp50;
            previous = afterPromotions.Count > 1 ? afterPromotions[^2].PerClassAp50 : null;
            basis = "fixed holdout";
        }
        else
        {
            var promoted = data.Cycles.Where(c => c.Status == CycleStatus.Promoted).Select(c => PerClass(data, c)).ToList();
            current = promoted.LastOrDefault();
            previous = promoted.Count > 1 ? promoted[^2] : null;
            basis = "validation split at promotion";
        }
        if (current is null || current.Count == 0) return;
        html.Append($"<h2 id=\"per-class\">Champion AP50 per class ({E(basis)})</h2>")
            .Append("<table class=\"per-class\"><tr><th>class</th><th>champion</th><th>previous champion</th><th>change</th></tr>\n");
        foreach (var (cls, ap) in current.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            double? before = previous is not null && previous.TryGetValue(cls, out double b) ? b : null;
            string change = before is { } x ? (ap - x).ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : previous is null ? "–" : "new class";
            string cssClass = before is { } y ? (ap - y > 0.005 ? "up" : ap - y < -0.005 ? "down" : "") : "";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(cls)}</td><td>{ap:F3}</td><td>{(before is { } z ? z.ToString("F3", CultureInfo.InvariantCulture) : "–")}</td>")
                .Append($"<td class=\"{cssClass}\">{change}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>Predictions drawn below this score are left out of the sample tiles.</summary>
    public const double SampleScoreThreshold = 0.3;

    /// <summary>Each sample tile once per model, side by side: labelled boxes in green, predicted boxes in red with their score.</summary>
    private static void SampleTiles(StringBuilder html, ReportData data)
    {
        if (data.Samples.Count == 0) return;
        html.Append("<h2 id=\"samples\">What the models detect</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"legend\"><span class=\"swatch\" style=\"border-color:#1a7f37\"></span> labelled box ")
            .Append(CultureInfo.InvariantCulture, $"<span class=\"swatch\" style=\"border-color:#cf222e\"></span> predicted box (score ≥ {SampleScoreThreshold:0.0})</p>\n")
            .Append("<table class=\"samples\"><tr><th>tile</th>");
        foreach (var model in data.Samples[0].Models) html.Append($"<th>{E(model.Role)}<br><small>{E(model.ModelId)}</small></th>");
        html.Append("</tr>\n");
        foreach (var tile in data.Samples)
        {
            html.Append($"<tr><td>{E(tile.TileId[..Math.Min(12, tile.TileId.Length)])}</td>");
            foreach (var model in tile.Models)
            {
                html.Append(CultureInfo.InvariantCulture,
                        $"<td><svg class=\"sample\" viewBox=\"0 0 {tile.Width} {tile.Height}\" width=\"320\" height=\"{320.0 * tile.Height / Math.Max(1, tile.Width):0}\">")
                    .Append(CultureInfo.InvariantCulture, $"<image href=\"{tile.ImageDataUri}\" width=\"{tile.Width}\" height=\"{tile.Height}\"/>");
                foreach (var o in tile.Truth) Rect(html, o.Box, "#1a7f37", o.Class);
                foreach (var o in model.Objects.Where(o => o.Score >= SampleScoreThreshold))
                    Rect(html, o.Box, "#cf222e", string.Create(CultureInfo.InvariantCulture, $"{o.Class} {o.Score:0.00}"));
                html.Append("</svg></td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void Rect(StringBuilder html, double[] box, string colour, string title) =>
        html.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{box[0]:0.#}\" y=\"{box[1]:0.#}\" width=\"{box[2] - box[0]:0.#}\" height=\"{box[3] - box[1]:0.#}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"><title>{E(title)}</title></rect>");

    private static Dictionary<string, double> PerClass(ReportData data, CycleRecord cycle) =>
        cycle.Metrics.Where(kv => kv.Key.StartsWith(data.PerClassPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[data.PerClassPrefix.Length..], kv => kv.Value);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
