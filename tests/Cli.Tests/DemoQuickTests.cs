using System.Diagnostics;
using System.Text.Json;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// The README's first command, end to end, as a separate process like a user runs it: generated batches arrive,
/// the cycle manager decides, the trainer runs as a child process, the gate promotes.
/// </summary>
public class DemoQuickTests
{
    [Fact]
    public async Task DemoQuick_WholeLoop_TwoCyclesChampionPromotedHoldoutNeverWorse()
    {
        string workdir = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"), "demo");
        string cli = Path.Combine(AppContext.BaseDirectory, "autoretrain.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "demo", "--quick", "--workdir", workdir }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"demo exited with {process.ExitCode}:\n{output}");

        var summary = Json.Deserialize<DemoSummary>(await File.ReadAllTextAsync(Path.Combine(workdir, "demo-summary.json")), "demo-summary.json");
        Assert.True(summary.Cycles.Count >= 2, $"expected at least two cycles, got {summary.Cycles.Count}:\n{output}");
        Assert.NotNull(summary.Champion);
        Assert.Contains(summary.Cycles, c => c.Outcome == "Promoted");
        // The champion's score on the fixed holdout never goes down: only a better model is promoted.
        var holdout = summary.Cycles.Select(c => c.HoldoutChampionMap50).OfType<double>().ToList();
        Assert.NotEmpty(holdout);
        for (int i = 1; i < holdout.Count; i++)
            Assert.True(holdout[i] >= holdout[i - 1] - 1e-9, $"holdout mAP50 fell from {holdout[i - 1]} to {holdout[i]}");

        Assert.True(File.Exists(summary.Report));
        Assert.Contains("<svg", await File.ReadAllTextAsync(summary.Report));
        var runs = Directory.EnumerateFiles(summary.Mlruns, "meta.yaml", SearchOption.AllDirectories)
            .Where(f => Directory.Exists(Path.Combine(Path.GetDirectoryName(f)!, "metrics"))).ToList();
        Assert.Equal(summary.Cycles.Count, runs.Count);
        Assert.All(runs, run => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(run)!, "params", "snapshot_id"))));
        using var decisions = JsonDocument.Parse(Json.Serialize(summary.Decisions));
        Assert.Equal(summary.Batches, decisions.RootElement.GetArrayLength());
    }
}
