using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace AutoRetrain.Detector.Bench;

/// <summary>
/// Who allocates on the managed heap: the runtime's GC allocation-tick events (one about every 100 kB allocated, naming
/// the type of the allocation that crossed it, and whether it went to the small-, large- or pinned-object heap), summed
/// by heap and type while it listens. A sample, not an exact count: each tick stands for the ~100 kB before it.
/// </summary>
internal sealed class AllocationTicks : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    // Initialised before the base constructor runs, which may already call OnEventSourceCreated.
    private readonly ConcurrentDictionary<string, long> bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null) return;
        object? Field(string name) => e.PayloadNames.IndexOf(name) is var i and >= 0 ? e.Payload?[i] : null;
        long amount = Convert.ToInt64(Field("AllocationAmount64") ?? Field("AllocationAmount") ?? 0L);
        string heap = Convert.ToInt32(Field("AllocationKind") ?? 0) switch { 0 => "small", 1 => "large", _ => "pinned" };
        bytes.AddOrUpdate($"{heap} {Field("TypeName") ?? "?"}", amount, (_, sum) => sum + amount);
    }

    /// <summary>The <paramref name="count"/> heaviest (heap, type) pairs, megabytes sampled.</summary>
    public Dictionary<string, double> Top(int count) => bytes.OrderByDescending(p => p.Value).Take(count)
        .ToDictionary(p => p.Key, p => Math.Round(p.Value / 1048576.0, 1));
}
