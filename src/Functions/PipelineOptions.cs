using AutoRetrain.Core;
using AutoRetrain.Core.Ingestion;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Functions;

/// <summary>The app's own settings, section <c>AutoRetrain</c> (app settings <c>AutoRetrain__Project</c>, ...).</summary>
public sealed class PipelineOptions
{
    public const string Section = "AutoRetrain";

    /// <summary>The project whose singleton cycle manager this app feeds (instance id <c>cycle-manager-&lt;project&gt;</c>).</summary>
    public string Project { get; set; } = "default";

    /// <summary>Failed deliveries of one blob before it is moved to quarantine with the last error as its reason.</summary>
    public int MaxIngestAttempts { get; set; } = 5;

    /// <summary>Failed re-sends of an owed signal (outbox row) before the repair timer records it as <c>SignalUndelivered</c>.</summary>
    public int MaxSignalAttempts { get; set; } = 5;

    /// <summary>How old an outbox row must be before the repair timer re-sends it (younger ones may still be in flight).</summary>
    public TimeSpan OutboxGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Comma-separated class names; when set, labels naming any other class are quarantined (UnknownClass),
    /// as <c>autoretrain watch --classes</c> does locally. Empty: every class is accepted.
    /// </summary>
    public string ClosedClasses { get; set; } = "";

    /// <summary>Prefix of the pipeline's table names (letters and digits, starting with a letter), so several pipelines can share one account.</summary>
    public string TablePrefix { get; set; } = "AutoRetrain";

    /// <summary>Torch device of the in-process scoring ("cpu" on Functions plans; "cuda" only where the worker has a GPU).</summary>
    public string ScoringDevice { get; set; } = "cpu";

    /// <summary>
    /// The cycle manager's settings (<c>AutoRetrain__Manager__CheckInterval</c>, <c>__DecisionDebounce</c>,
    /// <c>__DecisionBatchTiles</c>, ...), used when this app starts the manager; a running manager keeps its own
    /// until it is sent a Configure signal.
    /// </summary>
    public ManagerConfig Manager { get; set; } = new() { DecisionDebounce = TimeSpan.FromMinutes(2) };

    /// <summary>What a manager started by this app begins with; it rebuilds the rest from the stores.</summary>
    public ManagerState InitialManagerState() => new() { Project = Project, Config = Manager };

    public IngestionOptions ToIngestionOptions()
    {
        var classes = ClosedClasses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new IngestionOptions { ClosedClassSet = classes.Length == 0 ? null : classes.ToHashSet(StringComparer.Ordinal) };
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Project) || !Project.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new AutoRetrainException(
                $"setting {Section}__Project = \"{Project}\": use letters, digits, '-' and '_' only (it names the cycle manager's instance).");
        if (TablePrefix.Length == 0 || !char.IsAsciiLetter(TablePrefix[0]) || !TablePrefix.All(char.IsAsciiLetterOrDigit) || TablePrefix.Length > 40)
            throw new AutoRetrainException(
                $"setting {Section}__TablePrefix = \"{TablePrefix}\": use 1–40 letters and digits, starting with a letter (Table Storage names allow nothing else).");
        if (MaxIngestAttempts < 1)
            throw new AutoRetrainException($"setting {Section}__MaxIngestAttempts = {MaxIngestAttempts}: must be at least 1.");
        if (MaxSignalAttempts < 1)
            throw new AutoRetrainException($"setting {Section}__MaxSignalAttempts = {MaxSignalAttempts}: must be at least 1.");
    }
}
