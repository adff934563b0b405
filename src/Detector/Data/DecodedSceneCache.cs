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
/// <para>Pixels are lent (<see cref="Rent"/>): a lease pins its scene, and an evicted scene's array is decoded into
/// again for the next scene of the same size once no lease holds it. Scenes of one size (a sensor's tiles, generated
/// scenes, blocks cut at import) therefore cost their budget and one spare array for the whole run, instead of a new
/// array on the large-object heap per decode that waits for the collector (a 4,096-px scene is 50 MB, decoded about
/// once an epoch). Arrays of other sizes are dropped for the collector.</para>
/// <para>A scene larger than the whole budget is decoded, lent and not kept. Two threads asking for the same scene
/// decode it once. An evicted scene still leased stays valid until its last lease ends.</para>
/// </summary>
public sealed class DecodedSceneCache(long capacityBytes)
{
    private sealed class Entry(string key, byte[] pixels)
    {
        public string Key { get; } = key;
        public byte[] Pixels { get; } = pixels;
        public int Leases;
        public bool Placed;   // inserted (or refused, when larger than the budget) after its decode
        public bool Evicted;  // no longer findable: its array goes spare when the last lease ends
    }

    private readonly object gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> recency = new();
    private readonly Dictionary<string, Lazy<Entry>> decoding = new(StringComparer.Ordinal);
    private readonly List<byte[]> spare = [];

    public long CapacityBytes { get; } = capacityBytes > 0 ? capacityBytes
        : throw new ArgumentOutOfRangeException(nameof(capacityBytes), "the decoded-scene cache needs a positive byte budget.");

    /// <summary>Bytes of decoded scenes held now (never above <see cref="CapacityBytes"/>).</summary>
    public long ResidentBytes { get; private set; }

    /// <summary>The most bytes ever held at once.</summary>
    public long PeakResidentBytes { get; private set; }

    /// <summary>How many times a scene was decoded (misses).</summary>
    public int Decodes { get; private set; }

    /// <summary>How many decodes wrote into an evicted scene's array instead of a new one.</summary>
    public int ArraysReused { get; private set; }

    /// <summary>
    /// The scene's pixels, decoded by <paramref name="decodeInto"/> into an array of <paramref name="length"/> bytes (a
    /// spare one when there is one: the decoder overwrites every byte) unless held. Dispose the lease when done reading.
    /// </summary>
    public PixelLease Rent(string key, long length, Action<byte[]> decodeInto)
    {
        Lazy<Entry> pending;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var hit))
            {
                recency.Remove(hit);
                recency.AddFirst(hit);
                hit.Value.Leases++;
                return new PixelLease(this, hit.Value, hit.Value.Pixels);
            }
            if (!decoding.TryGetValue(key, out pending!))
            {
                decoding[key] = pending = new Lazy<Entry>(() =>
                {
                    var pixels = TakeSpare(length);
                    decodeInto(pixels);
                    return new Entry(key, pixels);
                }, LazyThreadSafetyMode.ExecutionAndPublication);
                Decodes++;
            }
        }
        Entry entry;
        try
        {
            entry = pending.Value;
        }
        finally
        {
            lock (gate)
                if (decoding.TryGetValue(key, out var current) && ReferenceEquals(current, pending)) decoding.Remove(key);
        }
        lock (gate)
        {
            entry.Leases++;
            if (!entry.Placed)
            {
                entry.Placed = true;
                if (entry.Pixels.LongLength > CapacityBytes) entry.Evicted = true;
                else
                {
                    while (ResidentBytes + entry.Pixels.LongLength > CapacityBytes && recency.Last is { } oldest)
                        Evict(oldest);
                    entries[key] = recency.AddFirst(entry);
                    ResidentBytes += entry.Pixels.LongLength;
                    PeakResidentBytes = Math.Max(PeakResidentBytes, ResidentBytes);
                }
            }
            return new PixelLease(this, entry, entry.Pixels);
        }
    }

    private void Evict(LinkedListNode<Entry> node)
    {
        recency.Remove(node);
        entries.Remove(node.Value.Key);
        ResidentBytes -= node.Value.Pixels.LongLength;
        node.Value.Evicted = true;
        if (node.Value.Leases == 0) Spare(node.Value.Pixels);
    }

    internal void Release(object token)
    {
        var entry = (Entry)token;
        lock (gate)
            if (--entry.Leases == 0 && entry.Evicted && entry.Pixels.LongLength <= CapacityBytes) Spare(entry.Pixels);
    }

    /// <summary>Keeps an evicted array for the next decode, unless that would hold more than the budget and one scene.</summary>
    private void Spare(byte[] pixels)
    {
        if (ResidentBytes + spare.Sum(s => s.LongLength) <= CapacityBytes) spare.Add(pixels);
    }

    private byte[] TakeSpare(long length)
    {
        lock (gate)
        {
            int at = spare.FindIndex(s => s.LongLength == length);
            if (at < 0)
            {
                // Another size: the spares are dropped rather than held beside new arrays.
                spare.Clear();
                return new byte[length];
            }
            var pixels = spare[at];
            spare.RemoveAt(at);
            ArraysReused++;
            return pixels;
        }
    }
}

/// <summary>A scene's decoded pixels, valid until disposed (see <see cref="DecodedSceneCache.Rent"/>); held pixels need no lease.</summary>
public sealed class PixelLease : IDisposable
{
    private DecodedSceneCache? cache;
    private readonly object? token;

    internal PixelLease(DecodedSceneCache cache, object token, byte[] pixels)
    {
        this.cache = cache;
        this.token = token;
        Pixels = pixels;
    }

    /// <summary>Pixels the caller holds (a held tile's): nothing to give back.</summary>
    public PixelLease(byte[] pixels) => Pixels = pixels;

    public byte[] Pixels { get; }

    public void Dispose()
    {
        Interlocked.Exchange(ref cache, null)?.Release(token!);
    }
}
