using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Local.Reporting;

namespace AutoRetrain.Core.Tests.Reporting;

public class HtmlReportTests
{
    private static ReportData Sample()
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
        };
    }

    [Fact]
    public void Render_CyclesAndData_SelfContainedHtmlWithSixLabelledCharts()
    {
        string html = HtmlReport.Render(Sample());

        Assert.Equal(6, html.Split("<svg").Length - 1);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("demo-cycle-0003", html);
        Assert.Contains("nothing new &lt;yet&gt;", html); // reasons are escaped
        Assert.Matches(@">\s*ship\s*<", html);               // chart text is rendered (a font was found)
        Assert.Contains("class=\"Rejected\"", html);
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
