using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;
using AutoRetrain.Local.Training;

namespace AutoRetrain.Cli.Tests;

/// <summary>One <c>demo --quick</c> run on a quiet machine, shared by the tests below (each run trains three cycles).</summary>
public sealed class QuietDemoRun : IAsyncLifetime
{
    public DemoRunResult Result { get; private set; } = null!;

    public async Task InitializeAsync() => Result = await DemoProcess.RunAsync(loaded: false);

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>What one demo process left: its summary, its output, and a hash of every model it trained.</summary>
public sealed record DemoRunResult(string Workdir, DemoSummary Summary, string Output, IReadOnlyDictionary<string, string> ModelHashes, double Seconds);

/// <summary>Runs <c>autoretrain demo --quick</c> as a separate process, like a user does.</summary>
public static class DemoProcess
{
    public static async Task<DemoRunResult> RunAsync(bool loaded, params string[] options)
    {
        string workdir = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"), "demo");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { CliProcess.Dll, "demo", "--quick", "--workdir", workdir }.Concat(options)) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        // A busy loop on every core (twice over), bounded in time, for as long as the demo runs.
        using var busy = loaded ? new BusyLoop(Environment.ProcessorCount * 2, TimeSpan.FromMinutes(20)) : null;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            busy?.Dispose();
        }
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"demo exited with {process.ExitCode}:\n{output}");
        var summary = Json.Deserialize<DemoSummary>(await File.ReadAllTextAsync(Path.Combine(workdir, "demo-summary.json")), "demo-summary.json");
        string models = Path.Combine(workdir, "models");
        var hashes = Directory.EnumerateFiles(models, "model.bin", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(models, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        return new DemoRunResult(workdir, summary, output, hashes, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The part of a cycle's row that must not depend on the machine's speed: everything but the seconds.</summary>
    public static string Table(DemoSummary summary) => WithoutAttemptSuffix(Json.Serialize(summary.Cycles.Select(c => new
    {
        c.CycleId, c.Outcome, c.CandidateMap50, c.HoldoutChampionMap50, c.HoldoutPerClassAp50, c.TriggerReasons, c.DecisionReasons, c.StopReasons,
    })));

    /// <summary>Cycle ids end in a suffix unique to each attempt (so no Azure ML job, snapshot or model key is ever
    /// reused); two runs of the same command differ only there.</summary>
    public static string WithoutAttemptSuffix(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(cycle-\d{4})-[0-9a-f]{8}", "$1");

    private sealed class BusyLoop : IDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly List<Thread> _threads = [];
        public long Spins;

        public BusyLoop(int threads, TimeSpan limit)
        {
            _stop = new CancellationTokenSource(limit);
            for (int i = 0; i < threads; i++)
            {
                var thread = new Thread(() =>
                {
                    long n = 0;
                    while (!_stop.IsCancellationRequested) n++;
                    Interlocked.Add(ref Spins, n);
                }) { IsBackground = true };
                thread.Start();
                _threads.Add(thread);
            }
        }

        private int _disposed;

        // Called by the finally block (to stop loading the machine before the output is read) and by the using.
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _stop.Cancel();
            foreach (var t in _threads) t.Join();
            _stop.Dispose();
        }
    }
}

/// <summary>
/// The README's first command, end to end, as a separate process like a user runs it: generated batches arrive,
/// the cycle manager decides, the trainer runs as a child process, the gate promotes.
/// </summary>
public class DemoQuickTests(QuietDemoRun quiet) : IClassFixture<QuietDemoRun>
{
    [Fact]
    public async Task DemoQuick_WholeLoop_TwoCyclesChampionPromotedHoldoutNeverWorse()
    {
        var (summary, output) = (quiet.Result.Summary, quiet.Result.Output);
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
        // The table is printed once, at the end.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "the champion after each cycle"));
    }

    [Fact]
    public void DemoQuick_CyclesBudgetedInEpochs_EveryTrainingEndsOnItsEpochsNotTheClock()
    {
        var cycles = quiet.Result.Summary.Cycles;
        Assert.NotEmpty(cycles);
        Assert.All(cycles, c =>
        {
            // A failed cycle has no stop reason; its decision reasons say why it failed.
            Assert.True(c.StopReasons.Count == 1,
                $"{c.CycleId} {c.Outcome}, stop reasons [{string.Join("; ", c.StopReasons)}], reasons: {string.Join("; ", c.DecisionReasons)}\n{quiet.Result.Output}");
            Assert.Contains(c.StopReasons[0], new[] { TrainerStopReasons.Epochs, TrainerStopReasons.EarlyStop });
        });
    }
}

/// <summary>Cycles are budgeted in epochs, so how busy the machine is changes their duration only.</summary>
public class ReproducibleCyclesTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>
    /// A reduced quick demo (4 epochs a cycle) twice, the second time with every core kept busy by a parallel loop:
    /// the cycle table and every model's weights are the same.
    /// </summary>
    [Fact]
    public async Task DemoQuick_SameCommandOnALoadedMachine_SameCycleTableAndModels()
    {
        var first = await DemoProcess.RunAsync(loaded: false, "--epochs", "4");
        var loaded = await DemoProcess.RunAsync(loaded: true, "--epochs", "4");
        log.WriteLine($"quiet {first.Seconds:0} s, loaded {loaded.Seconds:0} s; table {DemoProcess.Table(first.Summary)}");
        Assert.True(first.Summary.Cycles.Count >= 2, $"expected at least two cycles:\n{first.Output}");
        Assert.Equal(DemoProcess.Table(first.Summary), DemoProcess.Table(loaded.Summary));
        Assert.NotEmpty(first.ModelHashes);
        static IEnumerable<KeyValuePair<string, string>> Models(DemoRunResult run) => run.ModelHashes
            .Select(kv => KeyValuePair.Create(DemoProcess.WithoutAttemptSuffix(kv.Key), kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal);
        Assert.Equal(Models(first), Models(loaded));
        Assert.Equal(first.Summary.Champion, loaded.Summary.Champion);
    }
}
