using System.Text.Json;
using System.Text.RegularExpressions;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Local.Training;
using Spectre.Console;

namespace AutoRetrain.Cli.Tests;

/// <summary>
/// What <c>watch</c> and the demo print while they work: each decision with its reasons, a progress bar per training
/// job with elapsed time and ETA (Spectre.Console live bars on a terminal, plain lines when output is captured), and
/// the promote or reject line with the gate's numbers.
/// </summary>
public sealed class ConsoleProgressTests : IDisposable
{
    private readonly IAnsiConsole _original = AnsiConsole.Console;
    private readonly StringWriter _out = new();

    private void Use(bool terminal)
    {
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(_out),
        });
        AnsiConsole.Console.Profile.Width = 160;
        ConsoleDemoView.LiveBars = terminal;
    }

    public void Dispose()
    {
        AnsiConsole.Console = _original;
        ConsoleDemoView.LiveBars = null;
    }

    private static TrainerEvent Event(string name, string json) => new("job-7", name, JsonDocument.Parse(json).RootElement.Clone());

    private static void Train(ConsoleDemoView view)
    {
        view.TrainerEvent(Event("start", """{"epochs": 2}"""));
        view.TrainerEvent(Event("epoch", """{"epoch": 1, "progress": 0.5, "seconds": 30, "loss": 1.25, "valMap50": 0.4, "imagesPerSec": 20}"""));
        view.TrainerEvent(Event("epoch", """{"epoch": 2, "progress": 1.0, "seconds": 60, "loss": 0.75, "valMap50": 0.6, "imagesPerSec": 20}"""));
        view.TrainerEvent(Event("done", """{"progress": 1.0, "valMap50": 0.6}"""));
    }

    [Fact]
    public void TrainerEvent_OutputCaptured_OneLinePerEpochWithElapsedAndEta()
    {
        Use(terminal: false);
        var view = new ConsoleDemoView();
        view.Decided(new DecisionRecord("default", DateTimeOffset.UnixEpoch, true, ["40 new labelled tiles", "class shift 0.31"], "default-cycle-0001-a"));
        Train(view);
        ConsoleDemoView.Finished("default-cycle-0001-a", "Promoted", ["mAP50 0.612 vs champion 0.580: gain 0.032 above the margin 0.005"]);

        string text = _out.ToString();
        Assert.Contains("retrain (default-cycle-0001-a): 40 new labelled tiles; class shift 0.31", text);
        Assert.Contains("training job-7 [###############...............] 50 % epoch 1 loss 1.250 val mAP50 0.400 (20 img/s) elapsed 0:30 ETA 0:30", text);
        Assert.Contains("100 % epoch 2 loss 0.750 val mAP50 0.600 (20 img/s) elapsed 1:00 ETA 0:00", text);
        Assert.Contains("default-cycle-0001-a Promoted: mAP50 0.612 vs champion 0.580: gain 0.032 above the margin 0.005", text);
        Assert.DoesNotContain('\u001b', text); // no escape codes in captured output (a char: compared ordinally)
    }

    [Fact]
    public void TrainerEvent_OnATerminal_SpectreBarWithElapsedAndRemainingTime()
    {
        Use(terminal: true);
        var view = new ConsoleDemoView();
        Train(view);

        string text = _out.ToString();
        Assert.Contains('\u001b', text); // drawn live, with cursor movement
        Assert.Contains("training job-7 epoch 2 loss 0.750 val mAP50 0.600", text);
        Assert.Contains("100%", text);
        Assert.Matches(new Regex(@"\d\d:\d\d:\d\d"), text); // the elapsed and remaining-time columns
        Assert.Contains("━", text); // the bar
    }

    [Fact]
    public async Task TrainerEvent_WhileAnotherLiveDisplayRuns_FallsBackToLines()
    {
        Use(terminal: true);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        // watch's ingestion bar holds the console: Spectre.Console refuses a second live display.
        var other = Task.Run(() => AnsiConsole.Progress().StartAsync(async context =>
        {
            context.AddTask("ingesting");
            started.SetResult();
            await release.Task;
        }));
        await started.Task;
        var view = new ConsoleDemoView();
        Train(view);
        release.SetResult();
        await other;

        string text = _out.ToString();
        Assert.Contains("training job-7 [##############################] 100 % epoch 2", text);
        Assert.False(ConsoleDemoView.Showing);
    }
}
