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
        lock (gate)
        {
            if (entries.ContainsKey(key) || pixels.LongLength > CapacityBytes) return pixels;
            while (ResidentBytes + pixels.LongLength > CapacityBytes && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                entries.Remove(oldest.Value.Key);
                ResidentBytes -= oldest.Value.Pixels.LongLength;
            }
            entries[key] = recency.AddFirst((key, pixels));
            ResidentBytes += pixels.LongLength;
            PeakResidentBytes = Math.Max(PeakResidentBytes, ResidentBytes);
        }
        // No forced collection here, though evicted scenes wait on the large-object heap for the collector's own
        // schedule: a collection while the training thread is inside a native call can free a TorchSharp Scalar under
        // it (docs/trainer.md, "Known issue"), and forcing them during training widens that window.
        return pixels;
    }
}
