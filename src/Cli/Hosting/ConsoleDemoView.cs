using System.Globalization;
using System.Text.Json;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Synthetic;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Contracts;
using Spectre.Console;

namespace AutoRetrain.Cli.Hosting;

/// <summary>
/// The demo and <c>watch</c> on the console: a line per batch and decision with its reasons, a progress bar per
/// training job with elapsed time and ETA, and the promote or reject line with the gate's numbers after each cycle;
/// the demo prints the table of cycles once at the end.
/// </summary>
public sealed class ConsoleDemoView : IDemoView
{
    private readonly Lock _gate = new();
    private string? _lastProgress;

    public void Info(string message) => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]");

    public void BatchArrived(StreamBatch batch, TilesRegistered tiles, int quarantined)
    {
        var events = batch.Events.Count > 0 ? " — " + string.Join("; ", batch.Events.Select(e => e.Description)) : "";
        string text = $"{tiles.NewTiles} labelled tiles ({tiles.NewTrainTiles} train, {tiles.NewValidationTiles} validation), " +
            $"objects {string.Join(", ", tiles.NewObjectsPerClass.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"))}" +
            (quarantined > 0 ? $", {quarantined} quarantined" : "");
        AnsiConsole.MarkupLineInterpolated($"[bold]{batch.Folder}[/] arrived: {text}[yellow]{events}[/]");
    }

    public void Decided(DecisionRecord decision)
    {
        string reasons = string.Join("; ", decision.Reasons);
        if (decision.Retrain) AnsiConsole.MarkupLineInterpolated($"  [green]retrain[/] ({decision.CycleId}): {reasons}");
        else AnsiConsole.MarkupLineInterpolated($"  [blue]wait[/]: {reasons}");
    }

    /// <summary>
    /// On a terminal, a Spectre.Console progress bar per training job (elapsed time, ETA from the pace so far), live
    /// from the trainer's start to its done event; elsewhere (output captured or piped) one plain line per epoch.
    /// </summary>
    public void TrainerEvent(TrainerEvent e)
    {
        if (LiveBars ?? Terminal) LiveProgress(e);
        else if (e.Event == "epoch") PlainProgress(e);
    }

    /// <summary>Live bars (true) or lines (false); null: live bars on a terminal that can move the cursor, lines when output is captured.</summary>
    public static bool? LiveBars { get; set; }

    private static bool Terminal => AnsiConsole.Profile.Capabilities is { Interactive: true, Ansi: true } && !Console.IsOutputRedirected;

    // One live display while any job trains; each job is a task (row) in it.
    private readonly Dictionary<string, ProgressTask> _jobs = [];
    private ProgressContext? _context;
    private TaskCompletionSource? _allDone;
    private Task? _display;

    // Jobs drawn as lines because another live display (watch's ingestion bar) held the console when they started.
    private readonly HashSet<string> _plainJobs = [];

    /// <summary>True while a training progress display is live: Spectre.Console runs one live display at a time.</summary>
    public static bool Showing => Volatile.Read(ref _showing) > 0;

    private static int _showing;

    private void LiveProgress(TrainerEvent e)
    {
        var p = e.Payload;
        Task? finished = null;
        lock (_gate)
        {
            if (_plainJobs.Contains(e.JobId))
            {
                if (e.Event == "epoch") PlainProgress(e);
                else if (e.Event == "done") _plainJobs.Remove(e.JobId);
                return;
            }
            if (!_jobs.TryGetValue(e.JobId, out var job))
            {
                if (e.Event == "done") return;
                try
                {
                    _context ??= StartDisplay();
                }
                catch (InvalidOperationException)
                {
                    // Another live display is running: this job's progress goes out as lines.
                    _plainJobs.Add(e.JobId);
                    if (e.Event == "epoch") PlainProgress(e);
                    return;
                }
                job = _context.AddTask(Markup.Escape($"training {e.JobId}"), maxValue: 1);
                _jobs[e.JobId] = job;
            }
            if (e.Event == "epoch")
            {
                job.Value = Math.Clamp(Number(p, "progress") ?? job.Value, 0, 1);
                job.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"training {e.JobId} epoch {Number(p, "epoch"):0} loss {Number(p, "loss"):0.000} val mAP50 {Number(p, "valMap50"):0.000}"));
            }
            else if (e.Event == "done")
            {
                job.Value = 1;
                job.StopTask();
                _jobs.Remove(e.JobId);
                if (_jobs.Count == 0)
                {
                    _allDone!.TrySetResult();
                    finished = _display;
                    _context = null;
                }
            }
        }
        finished?.Wait(TimeSpan.FromSeconds(5)); // the bars' last frame before the cycle's result line
    }

    /// <summary>Starts the live display on its own task and returns its context once it runs.</summary>
    private ProgressContext StartDisplay()
    {
        var ready = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var display = Task.Run(async () =>
        {
            Interlocked.Increment(ref _showing);
            try
            {
                await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        ready.SetResult(context);
                        await allDone.Task;
                    });
            }
            catch (InvalidOperationException ex)
            {
                ready.TrySetException(ex); // Spectre refuses a second live display
            }
            finally
            {
                Interlocked.Decrement(ref _showing);
            }
        });
        var context = ready.Task.GetAwaiter().GetResult();
        _allDone = allDone;
        _display = display;
        return context;
    }

    private void PlainProgress(TrainerEvent e)
    {
        var p = e.Payload;
        double progress = Number(p, "progress") ?? 0;
        int width = 30, filled = (int)Math.Round(progress * width);
        double elapsed = Number(p, "seconds") ?? 0;
        // The epochs left at the pace so far (validation included): the budget is in epochs, so the ETA is a forecast.
        string eta = progress > 0 && progress < 1 ? Duration(elapsed * (1 - progress) / progress) : "0:00";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"  training {e.JobId} [{new string('#', filled)}{new string('.', width - filled)}] {progress:P0} " +
            $"epoch {Number(p, "epoch"):0} loss {Number(p, "loss"):0.000} val mAP50 {Number(p, "valMap50"):0.000} ({Number(p, "imagesPerSec"):0} img/s) " +
            $"elapsed {Duration(elapsed)} ETA {eta}");
        lock (_gate)
        {
            if (line == _lastProgress) return;
            _lastProgress = line;
            AnsiConsole.WriteLine(line);
        }
    }

    public void CycleEnded(DemoCycle cycle)
    {
        Finished(cycle.CycleId, cycle.Outcome, cycle.DecisionReasons);
        if (cycle.SafetyCapFired)
            AnsiConsole.MarkupLineInterpolated($"  [red]the wall-clock safety cap stopped this cycle's training before its epoch budget[/]");
    }

    /// <summary>The promote or reject line with the gate's numbers (its reasons), as <c>watch</c> prints it too.</summary>
    public static void Finished(string cycleId, string outcome, IReadOnlyList<string> reasons)
    {
        string colour = outcome switch { "Promoted" => "green", "Rejected" => "yellow", _ => "red" };
        AnsiConsole.MarkupLineInterpolated($"  [{colour}]{cycleId} {outcome}[/]: {string.Join("; ", reasons)}");
    }

    private static string Duration(double seconds) =>
        TimeSpan.FromSeconds(Math.Max(0, Math.Round(seconds))).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    public static Table Table(IReadOnlyList<DemoCycle> cycles)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("cycles (the champion after each cycle, scored on the fixed holdout)");
        table.AddColumns("cycle", "outcome", "val mAP50", "holdout mAP50", "holdout AP50 per class", "train s");
        foreach (var c in cycles)
            table.AddRow(
                Markup.Escape(c.CycleId), c.Outcome, Format(c.CandidateMap50), Format(c.HoldoutChampionMap50),
                Markup.Escape(string.Join("\n", c.HoldoutPerClassAp50.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => $"{kv.Key} {Format(kv.Value)}"))),
                c.TrainSeconds.ToString("0", CultureInfo.InvariantCulture) + (c.SafetyCapFired ? " (capped)" : ""));
        return table;
    }

    private static string Format(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "–";

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
