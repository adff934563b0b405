using AutoRetrain.Core.Ports;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// The test assembly is also a worker process: <c>dotnet AutoRetrain.Orchestration.Tests.dll worker HUB DIR ID</c> runs
/// one Durable node on the Azure Storage backend (Azurite) with the scripted steps, journalled to files in DIR so that
/// the test that starts, kills (SIGKILL) and restarts it can see what every worker did. It prints "ready" once started
/// and runs until killed or its standard input closes.
/// </summary>
public static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["worker", var hub, var dir, var id]) return 2;
        var steps = new JournalingSteps(new ScriptedSteps(), dir, id);
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        await using var node = await SidecarDurableHost.StartAzureStorageAsync(AzureStorageNodes.Options(hub, id),
            r => r.AddAutoRetrain(), s => s.AddSingleton<ICycleSteps>(steps), logs);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

/// <summary>
/// The scripted steps of one worker process, with every call journalled to <c>DIR/journal-ID.txt</c>; a training job
/// runs until the file <c>DIR/release</c> exists.
/// </summary>
public sealed class JournalingSteps(ScriptedSteps inner, string dir, string workerId) : ICycleSteps
{
    private readonly Lock _gate = new();

    public static string ReleaseFile(string dir) => Path.Combine(dir, "release");

    /// <summary>Every journal line of every worker, as (worker, step, argument).</summary>
    public static IReadOnlyList<(string Worker, string Step, string Arg)> Read(string dir) =>
        Directory.GetFiles(dir, "journal-*.txt")
            .SelectMany(f => File.ReadAllLines(f).Select(l => l.Split('\t')).Where(p => p.Length == 3).Select(p => (p[0], p[1], p[2])))
            .ToList();

    private void Write(string step, string arg)
    {
        lock (_gate) File.AppendAllText(Path.Combine(dir, $"journal-{workerId}.txt"), $"{workerId}\t{step}\t{arg}\n");
    }

    public Task<ManagerState> RecoverStateAsync(ManagerState seed, CancellationToken ct)
    {
        Write("recover", seed.Project);
        return inner.RecoverStateAsync(seed, ct);
    }

    public Task<RetrainDecision> DecideAsync(DecideInput input, CancellationToken ct)
    {
        Write("decide", input.State.Pending.NewTiles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return inner.DecideAsync(input, ct);
    }

    public Task<PreparedCycle> PrepareAsync(PrepareInput input, CancellationToken ct)
    {
        Write("prepare", input.Request.CycleId);
        return inner.PrepareAsync(input, ct);
    }

    public async Task<string> SubmitTrainingAsync(TrainingJobInput input, CancellationToken ct)
    {
        string job = await inner.SubmitTrainingAsync(input, ct);
        // Job ids are unique across processes (each process counts from one).
        job = $"{job}-{input.CycleId}";
        Write("submit", job);
        return job;
    }

    public Task<TrainingJobStatus> GetTrainingStatusAsync(string jobId, CancellationToken ct)
    {
        Write("status", jobId);
        return Task.FromResult(File.Exists(ReleaseFile(dir))
            ? new TrainingJobStatus(jobId, TrainingJobState.Completed, 1)
            : new TrainingJobStatus(jobId, TrainingJobState.Running, 0.5));
    }

    public Task CancelTrainingAsync(string jobId, CancellationToken ct)
    {
        Write("cancel", jobId);
        return inner.CancelTrainingAsync(jobId, ct);
    }

    public Task<TrainingJobResult> CollectTrainingAsync(CollectInput input, CancellationToken ct)
    {
        Write("collect", input.JobId);
        return inner.CollectTrainingAsync(input, ct);
    }

    public Task<GateVerdict> ScoreAndGateAsync(ScoreInput input, CancellationToken ct)
    {
        Write("score", input.CycleId);
        return inner.ScoreAndGateAsync(input, ct);
    }

    public Task<string> PromoteAsync(PromoteInput input, CancellationToken ct)
    {
        Write("promote", input.ModelId);
        return inner.PromoteAsync(input, ct);
    }

    public Task RecordAsync(RecordInput input, CancellationToken ct)
    {
        Write("record", $"{input.Record.Id}:{input.Record.Status}");
        return inner.RecordAsync(input, ct);
    }
}
