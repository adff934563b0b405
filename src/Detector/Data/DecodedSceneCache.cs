namespace AutoRetrain.Detector.Data;

/// <summary>
/// Decoded scenes (RGB bytes) kept in memory up to a byte budget, least recently used evicted first. The trainer reads
/// scenes through it when the decoded training and validation data would not fit the budget: 1,000 scenes of
/// 2,560 px are 20 GB decoded, and the cache keeps the resident part at the budget whatever the number of scenes.
/// <para>Why whole decoded scenes rather than decoding windows: a 16-bit or 4-band scene is scaled to 8-bit RGB by a
/// percentile stretch over the whole scene (<c>RasterImage.ToRgb8</c>), the same for training and prediction; a window
/// decoded alone would be stretched differently from the same pixels at prediction. PNG and JPEG cannot be decoded
/// by window either. The epoch visits scenes in pools that fit the budget (see <c>EpochSamples</c>), so a scene is
/// decoded about once an epoch.</para>
/// <para>A scene larger than the whole budget is decoded, returned and not kept. Two threads asking for the same
/// scene decode it once. Arrays handed out stay valid after eviction (the caller holds them).</para>
/// </summary>
public sealed class DecodedSceneCache(long capacityBytes)
{
    private readonly object gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Pixels)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, byte[] Pixels)> recency = new();
    private readonly Dictionary<string, Lazy<byte[]>> decoding = new(StringComparer.Ordinal);

    public long CapacityBytes { get; } = capacityBytes > 0 ? capacityBytes
        : throw new ArgumentOutOfRangeException(nameof(capacityBytes), "the decoded-scene cache needs a positive byte budget.");

    /// <summary>Bytes of decoded scenes held now (never above <see cref="CapacityBytes"/>).</summary>
    public long ResidentBytes { get; private set; }

    /// <summary>The most bytes ever held at once.</summary>
    public long PeakResidentBytes { get; private set; }

    /// <summary>Full collections the cache asked for (one per <see cref="CapacityBytes"/> evicted).</summary>
    public int Collections { get; private set; }

    private long evictedSinceCollection;

    /// <summary>How many times a scene was decoded (misses).</summary>
    public int Decodes { get; private set; }

    public byte[] Get(string key, Func<byte[]> decode)
    {
        Lazy<byte[]> pending;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var hit))
            {
                recency.Remove(hit);
                recency.AddFirst(hit);
                return hit.Value.Pixels;
            }
            if (!decoding.TryGetValue(key, out pending!))
            {
                decoding[key] = pending = new Lazy<byte[]>(decode, LazyThreadSafetyMode.ExecutionAndPublication);
                Decodes++;
            }
        }
        byte[] pixels;
        try
        {
            pixels = pending.Value;
        }
        finally
        {
            lock (gate)
                if (decoding.TryGetValue(key, out var current) && ReferenceEquals(current, pending)) decoding.Remove(key);
        }
        bool collect = false;
        lock (gate)
        {
            if (entries.ContainsKey(key)) return pixels;
            if (pixels.LongLength > CapacityBytes)
                evictedSinceCollection += pixels.LongLength;   // garbage as soon as the caller is done with it
            else
            {
                while (ResidentBytes + pixels.LongLength > CapacityBytes && recency.Last is { } oldest)
                {
                    recency.RemoveLast();
                    entries.Remove(oldest.Value.Key);
                    ResidentBytes -= oldest.Value.Pixels.LongLength;
                    evictedSinceCollection += oldest.Value.Pixels.LongLength;
                }
                entries[key] = recency.AddFirst((key, pixels));
                ResidentBytes += pixels.LongLength;
                PeakResidentBytes = Math.Max(PeakResidentBytes, ResidentBytes);
            }
            if (evictedSinceCollection >= CapacityBytes)
            {
                evictedSinceCollection = 0;
                collect = true;
                Collections++;
            }
        }
        // Evicted scenes and the decoders' buffers are large-object-heap garbage, which the collector otherwise frees on
        // its own schedule: with 4,096-px scenes the process grew by gigabytes past the budget. Once a budget's worth has
        // been evicted, a full blocking collection frees it before more is decoded (one per budget's worth of decodes,
        // which take seconds; the collection itself marks a small managed heap). A background collection was not enough:
        // decoding went on while it ran (large-scenes bench: +3.3 GB at 100 scenes, +4.9 GB at 200, 512-MB budget).
        if (collect) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        return pixels;
    }
}
