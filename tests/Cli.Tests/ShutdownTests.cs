using System.Diagnostics;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// Stopping the local host as a service manager or a terminal does (SIGTERM, Ctrl-C) while its cycle trains: the host
/// exits promptly, takes its trainer process with it, records the job as interrupted, and leaves the cycle unfinished
/// so that the next start runs it again under its own id (RestartEndToEndTests shows that run).
/// </summary>
public class ShutdownTests
{
    /// <summary>SIGTERM to exit: the 30-second grace the CLI gives itself, plus a loaded machine's margin.</summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_SigtermWhileTraining_ExitsKillsTheTrainerAndLeavesTheCycleResumable()
    {
        string workdir = await GeneratedWorkdirAsync();
        await using var watch = CliProcess.Start("watch", "--once", "--workdir", workdir, "--epochs", "200");
        var trainers = await WaitForTrainerAsync(watch);

        var (exitCode, stopped) = await TerminateAsync(watch);

        Assert.True(stopped < ExitBound, $"watch took {stopped.TotalSeconds:F0} s to exit after SIGTERM:\n{watch.Output}");
        Assert.Equal(0, exitCode); // a service asked to stop has done its job
        await AssertGoneAsync(trainers, watch.Output);
        var workspace = new LocalWorkspace(workdir);
        var cycle = Assert.Single(await workspace.Cycles.ListAsync("default"));
        Assert.Equal(CycleStatus.Training, cycle.Status); // unfinished: not failed by the shutdown
        // The job's record (its folder is named after the cycle and candidate): written when the host stopped.
        string jobId = Path.GetFileName(Assert.Single(Directory.EnumerateDirectories(workspace.Store.PathOf(Containers.Runs, "jobs"), cycle.Id + "-*")));
        Assert.True(await workspace.Store.ExistsAsync(Containers.Runs, $"jobs/{jobId}/status.json"),
            $"the interrupted job's status was not recorded:\n{watch.Output}");
        // Read as written (a backend reading it would train the job again: that is what a restarted host does).
        var job = Core.Json.Deserialize<TrainingJobStatus>(
            await File.ReadAllTextAsync(workspace.Store.PathOf(Containers.Runs, $"jobs/{jobId}/status.json")), "status.json");
        Assert.Equal((TrainingJobState.Canceled, LocalProcessTrainingBackend.InterruptedMessage), (job.State, job.Message));
        // What the next start does with it: the same cycle, resumed.
        var recovered = await Hosting.LocalPipeline.RecoverStateAsync(workspace, "default", new ManagerConfig());
        Assert.Equal(cycle.Id, recovered.ResumeCycle?.CycleId);
    }

    [Fact]
    public async Task Serve_SigtermWhileTraining_ExitsAndKillsTheTrainer()
    {
        string workdir = await GeneratedWorkdirAsync();
        await using var serve = CliProcess.Start("serve", "--workdir", workdir, "--port", "0", "--epochs", "200");
        var trainers = await WaitForTrainerAsync(serve);

        var (exitCode, stopped) = await TerminateAsync(serve);

        Assert.True(stopped < ExitBound, $"serve took {stopped.TotalSeconds:F0} s to exit after SIGTERM:\n{serve.Output}");
        Assert.Equal(0, exitCode); // a service asked to stop has done its job
        await AssertGoneAsync(trainers, serve.Output);
        var cycle = Assert.Single(await new LocalWorkspace(workdir).Cycles.ListAsync("default"));
        Assert.Equal(CycleStatus.Training, cycle.Status);
    }

    private static async Task<string> GeneratedWorkdirAsync()
    {
        string workdir = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"), "work");
        await CliProcess.RunOkAsync("generate", "--seed", "5", "--tiles", "40", "--size", "128", "--out", Path.Combine(workdir, "incoming"));
        return workdir;
    }

    /// <summary>Waits until the host has a trainer child (a descendant running <c>train</c>) and returns its process ids.</summary>
    private static async Task<IReadOnlyList<int>> WaitForTrainerAsync(CliProcess host)
    {
        for (var until = DateTime.UtcNow.AddMinutes(5); DateTime.UtcNow < until; await Task.Delay(200))
        {
            Assert.False(host.Process.HasExited, $"the host ended before its trainer started:\n{host.Output}");
            var trainers = Descendants(host.Process.Id).Where(IsTrainer).ToList();
            if (trainers.Count > 0)
            {
                await Task.Delay(1000); // the trainer under way, not just forked
                return trainers;
            }
        }
        Assert.Fail($"no trainer process started within 5 minutes:\n{host.Output}");
        return [];
    }

    private static async Task<(int ExitCode, TimeSpan Stopped)> TerminateAsync(CliProcess host)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var bound = new CancellationTokenSource(ExitBound + TimeSpan.FromSeconds(30));
        await host.Process.WaitForExitAsync(bound.Token);
        host.Process.WaitForExit(); // the output's last lines
        return (host.Process.ExitCode, clock.Elapsed);
    }

    private static async Task AssertGoneAsync(IReadOnlyList<int> trainers, string output)
    {
        // A killed orphan is reaped by init within moments.
        for (var until = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < until && trainers.Any(Alive); await Task.Delay(200)) { }
        Assert.True(!trainers.Any(Alive), $"trainer process(es) {string.Join(", ", trainers.Where(Alive))} outlived the host:\n{output}");
    }

    private static bool Alive(int pid)
    {
        try
        {
            // The state field follows the parenthesised command name; a zombie (Z) has exited.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException) { return false; }
    }

    private static bool IsTrainer(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains("train"); }
        catch (IOException) { return false; }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                children.AddRange(File.ReadAllText(Path.Combine(task, "children"))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
        }
        catch (IOException) { /* the process ended */ }
        return children.SelectMany(c => Descendants(c).Prepend(c));
    }
}
