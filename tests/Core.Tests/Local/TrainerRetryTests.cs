using AutoRetrain.Core.Ports;
using AutoRetrain.Local;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Core.Tests.Local;

/// <summary>
/// The local backend runs a trainer that died of a native fault once more, and only then. The "trainer" here is a real
/// child process, a shell script that counts its runs in a file and behaves as told for each run.
/// </summary>
public sealed class TrainerRetryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private const string Done = "echo '{\"event\":\"done\",\"progress\":1,\"stopReason\":\"epochs\",\"epochsRun\":3}'";
    private const string Abort = "kill -ABRT $$";
    private const string Diverged = "echo '{\"event\":\"error\",\"message\":\"training diverged: the loss was NaN at epoch 2, step 9\"}'; exit 2";
    private const string BadData = "echo '{\"event\":\"error\",\"message\":\"labels/a.labels.json: objects is required\"}'; exit 2";

    /// <summary>Runs one job with a trainer that does <paramref name="runs"/>[i] on its i-th start; returns its final status and how often it started.</summary>
    private async Task<(TrainingJobStatus Status, int Starts)> RunAsync(params string[] runs)
    {
        var workspace = new LocalWorkspace(_root);
        string counter = Path.Combine(_root, "starts");
        string script = Path.Combine(_root, "trainer.sh");
        var cases = string.Join("\n", runs.Select((r, i) => $"  {i + 1}) {r} ;;"));
        await File.WriteAllTextAsync(script, $"""
            #!/bin/bash
            n=$(( $(cat '{counter}' 2>/dev/null || echo 0) + 1 )); echo $n > '{counter}'
            case $n in
            {cases}
            esac
            """);
        var backend = new LocalProcessTrainingBackend(workspace, new TrainerLauncher("/bin/bash", [script]));
        string job = await backend.SubmitAsync(new TrainingJobSpec { CycleId = "c-0001", Candidate = "0-uniform", SnapshotKey = "snapshots/s.json", OutputModelKey = CycleKeys.Model("c-0001", "0-uniform"), Config = new Core.Cycles.TrainingConfig() });
        var until = DateTime.UtcNow.AddSeconds(60);
        TrainingJobStatus status;
        while (!(status = await backend.GetStatusAsync(job)).IsTerminal && DateTime.UtcNow < until) await Task.Delay(50);
        return (status, int.Parse((await File.ReadAllTextAsync(counter)).Trim()));
    }

    [Fact]
    public async Task Backend_StoppedWhileTraining_KillsTheTrainerRecordsInterruptedAndTheNextHostTrainsItAgain()
    {
        var workspace = new LocalWorkspace(_root);
        string counter = Path.Combine(_root, "starts"), pids = Path.Combine(_root, "pids");
        string script = Path.Combine(_root, "trainer.sh");
        await File.WriteAllTextAsync(script, $"""
            #!/bin/bash
            n=$(( $(cat '{counter}' 2>/dev/null || echo 0) + 1 )); echo $n > '{counter}'
            case $n in
              1) sleep 300 & echo $! > '{pids}'; wait ;;
              2) {Done} ;;
            esac
            """);
        var spec = new TrainingJobSpec { CycleId = "c-0002", Candidate = "0-uniform", SnapshotKey = "snapshots/s.json", OutputModelKey = "c-0002/0-uniform", Config = new Core.Cycles.TrainingConfig() };
        var first = new LocalProcessTrainingBackend(workspace, new TrainerLauncher("/bin/bash", [script]));
        string job = await first.SubmitAsync(spec);
        for (var until = DateTime.UtcNow.AddSeconds(30); !File.Exists(pids) && DateTime.UtcNow < until;) await Task.Delay(50);
        int grandchild = int.Parse((await File.ReadAllTextAsync(pids)).Trim());

        await first.DisposeAsync(); // the host stops

        Assert.False(Directory.Exists($"/proc/{grandchild}") && !File.ReadAllText($"/proc/{grandchild}/stat").Contains(") Z", StringComparison.Ordinal),
            "the trainer's own child outlived the stop (the process tree was not killed)");
        Assert.Equal(TrainingJobState.Running, (await first.GetStatusAsync(job)).State); // not ended while the host stops
        string saved = await File.ReadAllTextAsync(workspace.Store.PathOf(Containers.Runs, $"jobs/{job}/status.json"));
        Assert.Contains(LocalProcessTrainingBackend.InterruptedMessage, saved);

        // The next host: the cycle's monitor asks for the job's status, and the job is trained again.
        var second = new LocalProcessTrainingBackend(workspace, new TrainerLauncher("/bin/bash", [script]));
        TrainingJobStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(status = await second.GetStatusAsync(job)).IsTerminal && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(TrainingJobState.Completed, status.State);
        Assert.Equal("2", (await File.ReadAllTextAsync(counter)).Trim());
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Trainer_KilledBySignalThenSucceeds_RunOnceMoreAndCompletedWithTheFirstCause()
    {
        var (status, starts) = await RunAsync(Abort, Done);
        Assert.Equal(2, starts);
        Assert.Equal(TrainingJobState.Completed, status.State);
        Assert.Equal(2, status.Metrics!["trainerAttempts"]);
        Assert.Contains("exited with code 134", status.Message);
        Assert.Equal(TrainerStopReasons.Epochs, TrainerStopReasons.Of(status) ?? "");
    }

    [Fact]
    public async Task Trainer_DivergedTwice_FailedAfterTwoAttempts()
    {
        var (status, starts) = await RunAsync(Diverged, Diverged, Done);
        Assert.Equal(2, starts);
        Assert.Equal(TrainingJobState.Failed, status.State);
        Assert.Contains("training diverged", status.Message);
        Assert.Contains("attempt 2 of 2", status.Message);
    }

    [Fact]
    public async Task Trainer_BadInput_NotRetried()
    {
        var (status, starts) = await RunAsync(BadData, Done);
        Assert.Equal(1, starts);
        Assert.Equal(TrainingJobState.Failed, status.State);
        Assert.Contains("objects is required", status.Message);
    }

    [Fact]
    public async Task Trainer_Succeeds_StartedOnceNoAttemptsMetric()
    {
        var (status, starts) = await RunAsync(Done, Abort);
        Assert.Equal(1, starts);
        Assert.Equal(TrainingJobState.Completed, status.State);
        Assert.False(status.Metrics?.ContainsKey("trainerAttempts") ?? false);
    }
}
