using System.Globalization;
using System.Net;
using System.Text;
using AutoRetrain.Core.Cycles;
using ScottPlot;

namespace AutoRetrain.Local.Reporting;

/// <summary>
/// The report: one self-contained HTML file (charts as inline SVG, no scripts, no external files) showing
/// mAP overall and per class across cycles, triggers and decisions on a timeline, training time per cycle,
/// the class histogram of the data and the quarantine counts.
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
        Figure(html, $"{data.MainMetric} across cycles", MetricChart(data));
        Figure(html, "AP per class across cycles", PerClassChart(data));
        Figure(html, "Triggers and decisions", TimelineChart(data));
        Figure(html, "Training time per cycle", TrainingTimeChart(data));
        Figure(html, "Objects per class in the labelled data", Bars(data.ClassHistogram, "objects"));
        Figure(html, "Quarantined inputs by reason", Bars(data.QuarantineByCode, "files"));
        html.Append("</div>\n");
        CycleTable(html, data);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Figure(StringBuilder html, string caption, Plot plot)
    {
        string svg = plot.GetSvgXml(ChartWidth, ChartHeight);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        html.Append("<figure><figcaption>").Append(E(caption)).Append("</figcaption>\n")
            .Append(start >= 0 ? svg[start..] : svg).Append("\n</figure>\n");
    }

    private static double[] CycleAxis(ReportData data) => Enumerable.Range(1, data.Cycles.Count).Select(i => (double)i).ToArray();

    private static Plot MetricChart(ReportData data)
    {
        var plot = new Plot();
        var xs = CycleAxis(data);
        var candidate = data.Cycles.Select(c => c.Metrics.TryGetValue(data.MainMetric, out double v) ? v : double.NaN).ToArray();
        if (xs.Length > 0)
        {
            var s = plot.Add.Scatter(xs, candidate);
            s.LegendText = "candidate";
            // The champion's score: the last promoted candidate's metric, held until the next promotion.
            double current = double.NaN;
            var champion = data.Cycles.Select(c =>
            {
                if (c.Status == CycleStatus.Promoted && c.Metrics.TryGetValue(data.MainMetric, out double v)) current = v;
                return current;
            }).ToArray();
            var line = plot.Add.Scatter(xs, champion);
            line.LegendText = "champion";
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 3;
            plot.ShowLegend(Alignment.LowerRight);
        }
        Axes(plot, "cycle", data.MainMetric);
        plot.Axes.SetLimitsY(0, 1);
        return plot;
    }

    private static Plot PerClassChart(ReportData data)
    {
        var plot = new Plot();
        var xs = CycleAxis(data);
        var classes = data.Cycles.SelectMany(c => c.Metrics.Keys)
            .Where(k => k.StartsWith(data.PerClassPrefix, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
        foreach (var key in classes)
        {
            var ys = data.Cycles.Select(c => c.Metrics.TryGetValue(key, out double v) ? v : double.NaN).ToArray();
            var s = plot.Add.Scatter(xs, ys);
            s.LegendText = key[data.PerClassPrefix.Length..];
        }
        if (xs.Length > 0) plot.ShowLegend(Alignment.UpperLeft);
        Axes(plot, "cycle", data.PerClassPrefix.TrimEnd('/'));
        plot.Axes.SetLimitsY(0, 1.05);
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
            foreach (var c in data.Cycles.Where(c => c.EndedAt is not null))
            {
                var end = plot.Add.ScatterPoints(new[] { Minutes(c.EndedAt!.Value) }, new[] { 2.0 });
                end.MarkerSize = 12;
                end.MarkerShape = MarkerShape.FilledSquare;
                end.Color = c.Status switch
                {
                    CycleStatus.Promoted => Colors.Green,
                    CycleStatus.Rejected => Colors.Orange,
                    _ => Colors.Red,
                };
            }
            plot.ShowLegend(Alignment.UpperLeft);
        }
        plot.Axes.Left.SetTicks([0, 1, 2], ["wait", "retrain", "cycle end"]);
        plot.Axes.SetLimitsY(-0.5, 2.5);
        Axes(plot, "minutes since the first decision", "");
        return plot;
    }

    private static Plot TrainingTimeChart(ReportData data)
    {
        var plot = new Plot();
        var values = data.Cycles.Select(c => c.DurationsSeconds.GetValueOrDefault("train") / 60).ToArray();
        if (values.Length > 0)
        {
            var bars = plot.Add.Bars(values);
            for (int i = 0; i < bars.Bars.Count; i++) bars.Bars[i].Position = i + 1;
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
        else
        {
            plot.Add.Annotation("none");
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
            .Append($"<th>{E(data.MainMetric)}</th><th>reasons</th><th>train / total (s)</th></tr>\n");
        foreach (var c in data.Cycles)
        {
            string metric = c.Metrics.TryGetValue(data.MainMetric, out double v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";
            double total = c.EndedAt is { } end ? (end - c.StartedAt).TotalSeconds : double.NaN;
            var reasons = c.Status == CycleStatus.Failed ? [c.FailureCause ?? ""] : c.DecisionReasons;
            html.Append($"<tr><td>{E(c.Id)}</td><td>{c.StartedAt:HH:mm:ss}</td><td>{E(string.Join("; ", c.TriggerReasons))}</td>")
                .Append($"<td class=\"{c.Status}\">{c.Status}</td><td>{metric}</td><td>{E(string.Join("; ", reasons))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{c.DurationsSeconds.GetValueOrDefault("train"):F0} / {total:F0}</td></tr>\n");
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

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
