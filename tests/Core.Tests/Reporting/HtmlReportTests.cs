using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Local.Reporting;

namespace AutoRetrain.Core.Tests.Reporting;

public class HtmlReportTests
{
    internal static ReportData Sample()
    {
        var t0 = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        CycleRecord Cycle(int n, CycleStatus status, double map, double plane, double ship) => new()
        {
            Id = $"demo-cycle-{n:D4}", Project = "demo", StartedAt = t0.AddMinutes(10 * n), EndedAt = t0.AddMinutes(10 * n + 4),
            Status = status, TriggerReasons = [$"trigger {n}"], DecisionReasons = [$"decision {n}"],
            Metrics = new Dictionary<string, double> { ["mAP50"] = map, ["AP50/plane"] = plane, ["AP50/ship"] = ship },
            DurationsSeconds = new Dictionary<string, double> { ["train"] = 150 + n },
        };
        return new ReportData
        {
            Project = "demo",
            GeneratedAt = t0.AddHours(1),
            Cycles = [Cycle(1, CycleStatus.Promoted, 0.4, 0.5, 0.3), Cycle(2, CycleStatus.Rejected, 0.38, 0.5, 0.26),
                      Cycle(3, CycleStatus.Promoted, 0.6, 0.7, 0.5)],
            Decisions = [new("demo", t0, false, ["nothing new <yet>"]), new("demo", t0.AddMinutes(10), true, ["first model"])],
            ClassHistogram = new Dictionary<string, int> { ["plane"] = 120, ["ship"] = 14 },
            QuarantineByCode = new Dictionary<string, int> { ["CorruptImage"] = 2 },
            Tiles = 140, LabelledTiles = 134, ChampionModelId = "demo-cycle-0003-0-uniform",
            Holdout =
            [
                new("demo-cycle-0001", 0.071, new Dictionary<string, double> { ["plane"] = 0.09, ["ship"] = 0.05 }),
                new("demo-cycle-0002", 0.071, new Dictionary<string, double> { ["plane"] = 0.09, ["ship"] = 0.05 }),
                new("demo-cycle-0003", 0.094, new Dictionary<string, double> { ["plane"] = 0.08, ["ship"] = 0.11 }),
            ],
            Epochs = new Dictionary<string, IReadOnlyList<EpochPoint>>
            {
                ["demo-cycle-0001"] = [new(1, 4.2, 0.1), new(2, 3.1, 0.2), new(3, 2.5, 0.35)],
                ["demo-cycle-0003"] = [new(1, 2.4, 0.4), new(2, 2.0, 0.55)],
            },
            Links = new Dictionary<string, CycleLinks>
            {
                ["demo-cycle-0003"] = new("mlruns/1/abc123/", "models/demo-cycle-0003/0-repeat-factor*active-bias/"),
            },
            Samples =
            [
                new("tile-0001", "data:image/png;base64," + Convert.ToBase64String(GradientPng(64, 64)), 64, 64,
                    [AutoRetrain.Core.Labels.LabelObject.Of("plane", new(8, 8, 30, 30))],
                    [
                        new("champion", "demo-cycle-0003-0-uniform", [new("plane", [9, 9, 31, 29], 0.91), new("ship", [40, 40, 60, 60], 0.1)]),
                        new("rejected candidate of demo-cycle-0002", "demo-cycle-0002-0-uniform", [new("ship", [20, 20, 50, 50], 0.55)]),
                    ]),
            ],
        };
    }

    [Fact]
    public void Render_CyclesAndData_SelfContainedHtmlWithAChartPerPanelThatHasData()
    {
        string html = HtmlReport.Render(Sample());

        // Charts: headline, loss and mAP curves, timeline, training time, classes, quarantine; then the sample tile once per model.
        Assert.Equal(7, html.Split("<figure id=").Length - 1);
        Assert.Equal(7 + 2, html.Split("<svg").Length - 1);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("demo-cycle-0003", html);
        Assert.Contains("nothing new &lt;yet&gt;", html); // reasons are escaped
        Assert.Matches(@">\s*ship\s*<", html);               // chart text is rendered (a font was found)
        Assert.Contains("class=\"Rejected\"", html);
        Assert.Contains("Champion mAP50 on the fixed holdout across cycles", html);
        Assert.Contains("not comparable across cycles", html); // candidates' validation scores are marked as such
        Assert.Contains("cycle promoted", html);               // the timeline's colours have a legend
        Assert.Contains("cycle rejected", html);
        Assert.Contains("<a href=\"mlruns/1/abc123/\">MLflow run</a>", html);
        Assert.Contains("<a href=\"models/demo-cycle-0003/0-repeat-factor%2Aactive-bias/\">model</a>", html);
    }

    private static byte[] GradientPng(int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)(4 * x), (byte)(4 * y), 128));
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        return image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }

    [Fact]
    public void Render_SampleTiles_TrueAndPredictedBoxesOfBothModelsSideBySide()
    {
        string html = HtmlReport.Render(Sample());

        string samples = html[html.IndexOf("id=\"samples\"", StringComparison.Ordinal)..html.IndexOf("<h2>Cycles", StringComparison.Ordinal)];
        Assert.Contains("champion", samples);
        Assert.Contains("rejected candidate of demo-cycle-0002", samples);
        Assert.Equal(2, samples.Split("<image href=\"data:image/png;base64,").Length - 1); // the tile once per model
        Assert.Equal(2, samples.Split("<title>plane</title>").Length - 1);               // the labelled box on both
        Assert.Contains("<title>plane 0.91</title>", samples);
        Assert.Contains("<title>ship 0.55</title>", samples);
        Assert.DoesNotContain("ship 0.10", samples); // below the drawing threshold
        Assert.Contains("labelled box", samples);    // the colours' legend
    }

    [Fact]
    public void Render_ChampionPerClass_ComparesWithThePreviousChampionOnTheHoldout()
    {
        string html = HtmlReport.Render(Sample());

        // Promoted cycles 1 and 3: plane 0.09 -> 0.08, ship 0.05 -> 0.11 (cycle 2 was rejected and is not a champion).
        Assert.Contains("Champion AP50 per class (fixed holdout)", html);
        Assert.Contains("<tr><td>plane</td><td>0.080</td><td>0.090</td><td class=\"down\">-0.010</td></tr>", html);
        Assert.Contains("<tr><td>ship</td><td>0.110</td><td>0.050</td><td class=\"up\">+0.060</td></tr>", html);
    }

    [Fact]
    public void Render_HeadlineAxis_FollowsTheDataNotZeroToOne()
    {
        string html = HtmlReport.Render(Sample() with { Cycles = [], Decisions = [] });
        Assert.DoesNotContain("id=\"timeline\"", html);     // no decisions: no timeline panel
        Assert.DoesNotContain("id=\"per-class\"", html);    // no champion: no per-class table

        var data = Sample() with { QuarantineByCode = new Dictionary<string, int>() };
        string withData = HtmlReport.Render(data);
        Assert.DoesNotContain("id=\"quarantine\"", withData); // an empty quarantine takes no panel
        string headline = withData[withData.IndexOf("id=\"headline\"", StringComparison.Ordinal)..withData.IndexOf("id=\"loss-curves\"", StringComparison.Ordinal)];
        // Scores from 0.071 to 0.6: the axis ends near the data; a fixed 0-1 axis would have a tick at 0.8.
        Assert.Matches(@">\s*0\.6\s*<", headline);
        Assert.DoesNotMatch(@">\s*0\.8\s*<", headline);
    }

    [Fact]
    public async Task Render_InHeadlessChromium_ProducesANonBlankScreenshot()
    {
        string dir = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "report.html"), HtmlReport.Render(Sample()));
        string screenshot = Path.Combine(dir, "report.png");

        // Served on loopback, as a person would open it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var server = StaticServer.Start(dir, port);

        var chromium = Process.Start(new ProcessStartInfo("chromium")
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", $"--user-data-dir={Path.Combine(dir, "profile")}",
                "--window-size=1400,2200", $"--screenshot={screenshot}", $"http://127.0.0.1:{port}/report.html",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        Assert.True(chromium.WaitForExit(TimeSpan.FromSeconds(90)), "chromium did not finish within 90 s");

        var png = await File.ReadAllBytesAsync(screenshot);
        var image = AutoRetrain.Imagery.Rasters.ImageReader.Decode(png, screenshot);
        Assert.Equal(1400, image.Width);
        var rgb = image.ToRgb8();
        int distinct = Enumerable.Range(0, rgb.Length / 3).Select(i => (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2])
            .Distinct().Count();
        Assert.True(distinct > 50, $"the screenshot looks blank ({distinct} distinct colours)");

        // The rendered page (after layout) has the headline chart, the per-class table and the sample tiles.
        var dump = Process.Start(new ProcessStartInfo("chromium")
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", $"--user-data-dir={Path.Combine(dir, "profile2")}", "--dump-dom",
                $"http://127.0.0.1:{port}/report.html",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var domTask = dump.StandardOutput.ReadToEndAsync();
        _ = dump.StandardError.ReadToEndAsync();
        Assert.True(dump.WaitForExit(TimeSpan.FromSeconds(90)), "chromium --dump-dom did not finish within 90 s");
        string dom = await domTask;
        Assert.Matches(@"<figure id=""headline""><figcaption>Champion mAP50 on the fixed holdout across cycles</figcaption>\s*<svg", dom);
        Assert.Contains("<table class=\"per-class\">", dom);
        Assert.Contains("<svg class=\"sample\"", dom);
    }

    /// <summary>A minimal static file server on loopback for the screenshot.</summary>
    private sealed class StaticServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public static StaticServer Start(string root, int port)
        {
            var server = new StaticServer();
            server._listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            server._listener.Start();
            _ = Task.Run(async () =>
            {
                while (server._listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await server._listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                    string path = Path.Combine(root, Path.GetFileName(context.Request.Url!.AbsolutePath));
                    if (File.Exists(path))
                    {
                        var bytes = await File.ReadAllBytesAsync(path);
                        context.Response.ContentType = "text/html; charset=utf-8";
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                    else context.Response.StatusCode = 404;
                    context.Response.Close();
                }
            });
            return server;
        }

        public void Dispose() => _listener.Close();
    }
}
