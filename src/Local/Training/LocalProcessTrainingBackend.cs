using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Local.Training;

/// <summary>How to start the trainer program: an executable and the arguments that come before the verb.</summary>
public sealed record TrainerLauncher(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>
    /// The running program itself, whose <c>train</c> command is the trainer command line: the apphost when it
    /// runs as one, otherwise the dotnet host with the entry assembly.
    /// </summary>
    public static TrainerLauncher Self()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string entry = System.Reflection.Assembly.GetEntryAssembly()?.Location
            ?? throw new AutoRetrainException("cannot locate the running program to start the trainer.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? new(process, [entry]) : new(process, []);
    }
}

/// <summary>
/// Why a training stopped, from the trainer's <c>done</c> line (<c>stopReason</c>): a completed job's status message
/// reads <c>done: stopped by &lt;reason&gt; after N epochs</c>. Only <see cref="TimeBudget"/> depends on the machine's
/// speed: it is the wall-clock safety cap, and a cycle it stopped trained less than its epoch budget.
/// </summary>
public static class TrainerStopReasons
{
    public const string Epochs = "epochs";
    public const string EarlyStop = "early-stop";
    public const string Target = "target";
    public const string TimeBudget = "time-budget";
    private const string Prefix = "done: stopped by ";

    public static string Message(string reason, int? epochsRun) =>
        Prefix + reason + (epochsRun is { } n ? $" after {n} epochs" : "");

    public static string? Of(TrainingJobStatus status) =>
        status.State == TrainingJobState.Completed && status.Message is { } m && m.StartsWith(Prefix, StringComparison.Ordinal)
            ? m[Prefix.Length..].Split(' ')[0] : null;
}

/// <summary>Settings of the local trainer process that are the machine's business rather than the cycle's.</summary>
public sealed record TrainerSettings
{
    /// <summary>cpu, cuda or auto.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Batch size passed to the trainer's configuration; null keeps the trainer's default.</summary>
    public int? BatchSize { get; init; }
}

/// <summary>One line of the trainer's JSON-lines stdout, as the host follows it, with the time it arrived.</summary>
public sealed record TrainerEvent(string JobId, string Event, JsonElement Payload)
{
    public string CycleId { get; init; } = "";
    public string Candidate { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The local training backend: the trainer command line as a child process on this machine, followed through
/// its JSON-lines stdout. Submit is idempotent per job id (cycle + candidate), so a retried activity does not
/// start a second training. A job's final status is written to <c>runs/jobs/&lt;id&gt;/status.json</c>; a job
/// that was running when the host stopped reads back as interrupted (not completed), so the restarted host trains it
/// again: the in-memory host's resumed cycle submits it anew, and on the durable backend, where the cycle's orchestration
/// survives and keeps polling, reading its status restarts it from its saved spec (<c>spec.json</c>). Disposing the backend (the host stopping: SIGTERM, Ctrl-C) kills every trainer process tree and
/// records its job as interrupted; a process that exits without disposing it still kills them (ProcessExit).
/// </summary>
public sealed class LocalProcessTrainingBackend : ITrainingBackend, IAsyncDisposable
{
    /// <summary>The message of a job the host stopped while it ran.</summary>
    public const string InterruptedMessage = "interrupted: the host stopped while this job ran";

    private readonly LocalWorkspace workspace;
    private readonly TrainerLauncher launcher;
    private readonly TrainerSettings _settings;
    private readonly ConcurrentDictionary<string, Job> _jobs = new();
    private volatile bool _stopping;

    public LocalProcessTrainingBackend(LocalWorkspace workspace, TrainerLauncher launcher, TrainerSettings? settings = null)
    {
        this.workspace = workspace;
        this.launcher = launcher;
        _settings = settings ?? new TrainerSettings();
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
    }

    /// <summary>Every JSON line any job prints (progress, epochs, metrics), for live views.</summary>
    public event Action<TrainerEvent>? EventReceived;

    public static string JobIdFor(TrainingJobSpec spec) => $"{spec.CycleId}-{spec.Candidate}";

    public async Task<string> SubmitAsync(TrainingJobSpec spec, CancellationToken ct = default)
    {
        string jobId = JobIdFor(spec);
        // A job that already completed (before a restart, say) is not trained again.
        if (!_jobs.ContainsKey(jobId) && (await SavedStatusAsync(jobId, ct)).State == TrainingJobState.Completed) return jobId;
        // A host that is stopping starts nothing: the cycle that asked is resumed, and submits again, after the restart.
        if (_stopping) return jobId;
        if (!_jobs.ContainsKey(jobId))
            // What a later host needs to train the job again if this one stops while it runs.
            await workspace.Store.PutAsync(Containers.Runs, SpecKey(jobId), System.Text.Encoding.UTF8.GetBytes(Json.Serialize(spec)), ct: ct);
        _jobs.GetOrAdd(jobId, id => Start(id, spec));
        return jobId;
    }

    public async Task<TrainingJobStatus> GetStatusAsync(string jobId, CancellationToken ct = default)
    {
        var status = _jobs.TryGetValue(jobId, out var job) ? job.Status : await SavedStatusAsync(jobId, ct);
        // A job an earlier host was running when it stopped (or was killed): its cycle is still waiting for it (the durable
        // backend kept the cycle's orchestration), so it is trained again here from the spec it was submitted with.
        if (job is null && !_stopping && status.Message == InterruptedMessage && await SavedSpecAsync(jobId, ct) is { } spec)
            status = _jobs.GetOrAdd(jobId, id => Start(id, spec)).Status;
        // While the host stops, no unfinished job reads as ended: the cycle must not be recorded as failed because its
        // trainer was killed by the shutdown; it stays unfinished and the restarted host runs it again.
        return _stopping && status.State != TrainingJobState.Completed
            ? status with { State = TrainingJobState.Running, Message = "the host is stopping; the job runs again after a restart" }
            : status;
    }

    private async Task<TrainingJobStatus> SavedStatusAsync(string jobId, CancellationToken ct)
    {
        var saved = await workspace.Store.GetAsync(Containers.Runs, StatusKey(jobId), ct);
        return saved is not null
            ? Json.Deserialize<TrainingJobStatus>(System.Text.Encoding.UTF8.GetString(saved), StatusKey(jobId))
            : new TrainingJobStatus(jobId, TrainingJobState.Failed, 0, InterruptedMessage);
    }

    /// <summary>
    /// The host stops: every running trainer's process tree is killed, and each job's status is written as interrupted
    /// (state Canceled) before this returns, waiting at most <paramref name="timeout"/> for the writes.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        var running = InterruptAll();
        await Task.WhenAny(Task.WhenAll(running.Select(j => j.Finished)), Task.Delay(timeout));
    }

    /// <summary>Starts nothing more and kills every running trainer; returns the jobs it interrupted.</summary>
    private List<Job> InterruptAll()
    {
        _stopping = true;
        var running = _jobs.Values.ToList();
        foreach (var job in running) job.Interrupt();
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        AppDomain.CurrentDomain.ProcessExit -= KillAllOnExit;
    }

    /// <summary>The last resort when the process ends without disposing the backend: no trainer outlives its host.</summary>
    private void KillAllOnExit(object? sender, EventArgs e) => InterruptAll();

    public Task CancelAsync(string jobId, CancellationToken ct = default)
    {
        if (_jobs.TryGetValue(jobId, out var job)) job.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>The argument list for one training job (exposed for tests and for logs).</summary>
    public IReadOnlyList<string> ArgumentsFor(TrainingJobSpec spec)
    {
        var store = workspace.Store;
        var args = new List<string>(launcher.PrefixArguments)
        {
            "train",
            "--data", store.PathOf(Containers.Datasets, spec.SnapshotKey),
            "--store", store.Root,
            "--out", store.PathOf(Containers.Models, spec.OutputModelKey),
            "--epochs", spec.Config.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--device", _settings.Device,
            "--cycle-id", spec.CycleId,
        };
        if (spec.BaseModelKey is { } baseModel) args.AddRange(["--base-model", store.PathOf(Containers.Models, baseModel)]);
        if (spec.WeightsKey is { } weights) args.AddRange(["--weights", store.PathOf(Containers.Runs, weights)]);
        // The cycle's configuration plus this machine's trainer settings (batch size), in the job's own folder.
        string configPath = store.PathOf(Containers.Runs, $"jobs/{JobIdFor(spec)}/config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(Json.Serialize(spec.Config))!.AsObject();
        if (_settings.BatchSize is { } batch) config["batchSize"] = batch;
        Directory.CreateDirectory(Path.GetDirectoryName(configPath)!);
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        args.AddRange(["--config", configPath]);
        return args;
    }

    private static string StatusKey(string jobId) => $"jobs/{jobId}/status.json";

    private static string SpecKey(string jobId) => $"jobs/{jobId}/spec.json";

    private async Task<TrainingJobSpec?> SavedSpecAsync(string jobId, CancellationToken ct) =>
        await workspace.Store.GetAsync(Containers.Runs, SpecKey(jobId), ct) is { } saved
            ? Json.Deserialize<TrainingJobSpec>(System.Text.Encoding.UTF8.GetString(saved), SpecKey(jobId))
            : null;

    private Job Start(string jobId, TrainingJobSpec spec)
    {
        var info = new ProcessStartInfo(launcher.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in ArgumentsFor(spec)) info.ArgumentList.Add(a);
        var job = new Job(jobId, () => Process.Start(info) ?? throw new AutoRetrainException($"could not start the trainer ({launcher.FileName})."));
        // The trainer writes the model's epochs.jsonl (which tracking turns into metric series) into its --out folder,
        // the model's key in the store, as it does on Azure ML.
        job.Completed += status =>
        {
            workspace.Store.PutAsync(Containers.Runs, StatusKey(jobId),
                System.Text.Encoding.UTF8.GetBytes(Json.Serialize(status))).GetAwaiter().GetResult();
        };
        job.Line += (name, payload) => EventReceived?.Invoke(new TrainerEvent(jobId, name, payload) { CycleId = spec.CycleId, Candidate = spec.Candidate });
        job.Follow();
        return job;
    }

    /// <summary>
    /// One training job: the trainer process, followed through its stdout. A trainer that dies of a native fault
    /// (killed by a signal: exit code 128 + n, e.g. 134 for SIGABRT) or stops on a non-finite loss is run once more
    /// from the start with the same inputs, because both come from the open native defect described in
    /// docs/trainer.md ("Known issue") and not from the data; the second attempt's outcome is the job's, and its
    /// status carries <c>trainerAttempts</c> = 2 and the first attempt's cause. Bad input (exit 2) is not retried.
    /// </summary>
    private sealed class Job(string id, Func<Process> start)
    {
        public const int MaxAttempts = 2;
        private readonly Queue<string> _stderrTail = new();
        private volatile TrainingJobStatus _status = new(id, TrainingJobState.Running);
        private volatile bool _cancelled, _interrupted;
        private volatile Process? _process;

        public TrainingJobStatus Status => _status;
        public event Action<TrainingJobStatus>? Completed;
        public event Action<string, JsonElement>? Line;

        /// <summary>Completes once the job's final status is recorded.</summary>
        public Task Finished { get; private set; } = Task.CompletedTask;

        public void Follow()
        {
            Finished = Task.Run(async () =>
            {
                string? earlierCause = null;
                for (int attempt = 1; ; attempt++)
                {
                    var (exitCode, error) = await RunOnceAsync();
                    string tail;
                    lock (_stderrTail) tail = string.Join("\n", _stderrTail);
                    TrainingJobStatus final;
                    if (_interrupted) final = _status with { State = TrainingJobState.Canceled, Message = InterruptedMessage };
                    else if (_cancelled) final = _status with { State = TrainingJobState.Canceled, Message = "cancelled" };
                    else if (exitCode == 0) final = _status with { State = TrainingJobState.Completed, Progress = 1 };
                    else
                    {
                        string cause = $"trainer exited with code {exitCode}: {error ?? tail}";
                        if (attempt < MaxAttempts && IsNativeFault(exitCode, error))
                        {
                            earlierCause = cause;
                            Line?.Invoke("retry", JsonSerializer.SerializeToElement(new { attempt = attempt + 1, cause }));
                            lock (_stderrTail) _stderrTail.Clear();
                            continue;
                        }
                        final = _status with { State = TrainingJobState.Failed, Message = cause };
                    }
                    if (earlierCause is not null)
                        final = final with
                        {
                            Message = $"{final.Message} (attempt {attempt} of {MaxAttempts}; the first ended: {earlierCause})",
                            Metrics = new Dictionary<string, double>(final.Metrics ?? new Dictionary<string, double>()) { [Core.Cycles.TrainerMetrics.Attempts] = attempt },
                        };
                    // Everything a finished job leaves behind is written before anyone can see it finished.
                    try { Completed?.Invoke(final); }
                    finally { _status = final; }
                    return;
                }
            });
        }

        /// <summary>A crash by signal, or the trainer's "training diverged" stop (a non-finite loss).</summary>
        private static bool IsNativeFault(int exitCode, string? error) =>
            exitCode >= 128 || exitCode < 0 || (error?.StartsWith(Core.Cycles.TrainerErrors.Diverged, StringComparison.Ordinal) ?? false);

        /// <summary>Runs the trainer once; returns its exit code and the message of its last <c>error</c> event.</summary>
        private async Task<(int ExitCode, string? Error)> RunOnceAsync()
        {
            using var process = start();
            _process = process;
            if (_cancelled || _interrupted) Kill(process);
            var stderr = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                    lock (_stderrTail)
                    {
                        _stderrTail.Enqueue(line);
                        if (_stderrTail.Count > 20) _stderrTail.Dequeue();
                    }
            });
            var metrics = new Dictionary<string, double>();
            string? error = null;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith('{')) continue;
                JsonElement doc;
                try { doc = JsonDocument.Parse(line).RootElement.Clone(); }
                catch (JsonException) { continue; }
                string name = doc.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "log";
                double progress = doc.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : _status.Progress;
                foreach (var prop in doc.EnumerateObject())
                    if (prop.Value.ValueKind == JsonValueKind.Number && prop.Name is not ("progress" or "epoch" or "step"))
                        metrics[prop.Name] = prop.Value.GetDouble();
                if (name == "error" && doc.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) error = m.GetString();
                string message = name == "done" && doc.TryGetProperty("stopReason", out var why) && why.ValueKind == JsonValueKind.String
                    ? TrainerStopReasons.Message(why.GetString()!, doc.TryGetProperty("epochsRun", out var run) && run.TryGetInt32(out int n) ? n : null)
                    : name;
                _status = _status with { Progress = progress, Message = message, Metrics = new Dictionary<string, double>(metrics) };
                Line?.Invoke(name, doc);
            }
            await process.WaitForExitAsync();
            await stderr;
            return (process.ExitCode, error);
        }

        private static void Kill(Process process)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { /* already exited */ }
        }

        public void Cancel()
        {
            _cancelled = true;
            if (_process is { } process) Kill(process);
        }

        /// <summary>The host stops: the trainer is killed and the job ends interrupted (never retried here).</summary>
        public void Interrupt()
        {
            _interrupted = true;
            if (_process is { } process) Kill(process);
        }
    }
}
