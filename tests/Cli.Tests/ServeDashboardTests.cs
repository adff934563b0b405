using System.Net;
using System.Net.Sockets;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Local;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// The dashboard as a person uses it, in headless Chromium: <c>autoretrain serve</c> runs the workspace's pipeline,
/// the page shows the cycle that the arriving tiles start while it runs, its "Force retrain" button makes the cycle
/// manager decide to retrain (the decision record says so) and start a second cycle, and it renders (screenshot).
/// </summary>
public class ServeDashboardTests
{
    private static readonly string[] Finished = ["promoted", "rejected", "failed"];

    [Fact]
    public async Task Dashboard_WhileServeRunsThePipeline_ShowsTheCycleAndForceRetrainStartsAnother()
    {
        string root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));
        string workdir = Path.Combine(root, "work");
        var (generated, generateOutput) = await CliProcess.RunAsync(TimeSpan.FromMinutes(5),
            "generate", "--seed", "5", "--tiles", "40", "--size", "128", "--out", Path.Combine(workdir, "incoming"));
        Assert.True(generated == 0, generateOutput);

        int port = FreePort();
        await using var serve = CliProcess.Start("serve", "--workdir", workdir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--epochs", "6");
        string url = $"http://127.0.0.1:{port}/";
        using (var http = new HttpClient())
        {
            for (var until = DateTime.UtcNow.AddMinutes(3); ; await Task.Delay(250))
            {
                Assert.False(serve.Process.HasExited, $"serve exited:\n{serve.Output}");
                Assert.True(DateTime.UtcNow < until, $"serve did not answer within 3 minutes:\n{serve.Output}");
                try { if ((await http.GetAsync(url + "api/status")).StatusCode == HttpStatusCode.OK) break; }
                catch (HttpRequestException) { /* not listening yet */ }
            }
        }

        await using var browser = await HeadlessChromium.OpenAsync(url);
        // The tiles in incoming/ are ingested and the manager starts a cycle: the page shows it while it runs.
        var statusesSeen = new HashSet<string>();
        async Task Record()
        {
            var value = await browser.EvaluateAsync("Array.from(document.querySelectorAll('#cycles tbody tr')).map(r => r.dataset.status).join(',')");
            foreach (var s in value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries)) statusesSeen.Add(s);
        }
        Assert.True(await browser.WaitForAsync("document.querySelectorAll('#cycles tbody tr').length >= 1", TimeSpan.FromMinutes(5), Record),
            $"no cycle appeared on the page:\n{serve.Output}");
        Assert.True(await browser.WaitForAsync(
            "['promoted','rejected','failed'].includes(document.querySelector('#cycles tbody tr')?.dataset.status)", TimeSpan.FromMinutes(8), Record),
            $"the first cycle did not finish:\n{serve.Output}");
        Assert.Contains(statusesSeen, s => !Finished.Contains(s)); // seen while it ran, not only once done
        Assert.True(await browser.WaitForAsync("document.getElementById('report').contentDocument?.querySelectorAll('figure svg').length > 0",
            TimeSpan.FromSeconds(60)), "the report's charts are not on the page");
        // The sample predictions: the first cycle's candidate drawn on validation tiles (promoted: champion; else the rejected candidate).
        Assert.True(await browser.WaitForAsync("document.getElementById('report').contentDocument?.querySelectorAll('svg.sample image').length > 0",
            TimeSpan.FromSeconds(60)), "the report on the page has no sample predictions");

        // The button: a forced decision is recorded, with the page's reason, and a second cycle runs.
        await browser.EvaluateAsync("document.getElementById('force-retrain').click()");
        Assert.True(await browser.WaitForAsync("document.getElementById('message').textContent !== ''", TimeSpan.FromSeconds(30)),
            "the button sent nothing");
        Assert.Equal("retrain sent to the cycle manager.", (await browser.EvaluateAsync("document.getElementById('message').textContent")).GetString());
        // A press while the first cycle was still finishing once waited for the manager's next check (30 minutes): the
        // signal was drained into the state and only a signal received by the wait triggered (fixed in the manager).
        var workspace = new LocalWorkspace(workdir);
        if (!await browser.WaitForAsync("document.querySelectorAll('#cycles tbody tr').length >= 2", TimeSpan.FromMinutes(5)))
            Assert.Fail($"force retrain started no cycle:\n{serve.Output}\nstatus: {await browser.EvaluateAsync("fetch('/api/status').then(r => r.text())")}\n" +
                $"decisions: {string.Join("\n", (await workspace.Cycles.ListDecisionsAsync("default")).Select(d => $"{d.At:O} {(d.Retrain ? "retrain" : "wait")}: {string.Join("; ", d.Reasons)}"))}");
        var decisions = await workspace.Cycles.ListDecisionsAsync("default");
        var forced = Assert.Single(decisions, d => d.Reasons.Contains("retrain requested from the dashboard"));
        Assert.True(forced.Retrain);
        var cycles = await workspace.Cycles.ListAsync("default");
        Assert.Equal(forced.CycleId, cycles[1].Id);

        // Rendered, not blank: the screenshot has the page's width and many colours (text, charts).
        byte[] png = await browser.ScreenshotAsync();
        await File.WriteAllBytesAsync(Path.Combine(root, "dashboard.png"), png);
        int colours = HeadlessChromium.DistinctColours(png, out int width);
        Assert.Equal(1400, width);
        Assert.True(colours > 50, $"the dashboard screenshot looks blank ({colours} distinct colours)");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
