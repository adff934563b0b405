namespace AutoRetrain.Core.Registry;

public enum ChampionAction { Promoted, RolledBack }

/// <summary>One move of the champion pointer, with the reasons that caused it.</summary>
public sealed record ChampionEvent(string ModelId, ChampionAction Action, DateTimeOffset At, IReadOnlyList<string> Reasons);

/// <summary>
/// The champion pointer as stored: the current champion and every move that led to it, oldest first. It is
/// written whole, by compare-and-swap on <see cref="ETag"/>, so two cycles can never both promote.
/// </summary>
public sealed record ChampionState
{
    public static readonly ChampionState None = new();

    public string? ModelId { get; init; }

    /// <summary>The store's version of this record; null when no champion was ever written.</summary>
    public string? ETag { get; init; }

    public IReadOnlyList<ChampionEvent> History { get; init; } = [];

    /// <summary>
    /// The champions in the order they reigned, a rolled-back one removed, so that the last but one entry
    /// is the champion a rollback returns to.
    /// </summary>
    public IReadOnlyList<string> Reign()
    {
        var stack = new List<string>();
        foreach (var e in History)
        {
            if (e.Action == ChampionAction.Promoted)
                stack.Add(e.ModelId);
            else if (stack.Count > 0)
                stack.RemoveAt(stack.Count - 1);
        }
        return stack;
    }
}
