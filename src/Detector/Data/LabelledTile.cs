using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Data;

/// <summary>
/// A training or validation tile: RGB pixels (row-major, 3 bytes a pixel) and its labelled objects. The pixels are
/// either held (<c>Rgb</c> given) or decoded on demand through a <see cref="DecodedSceneCache"/> (<see cref="OnDemand"/>),
/// which bounds the memory that many large scenes take; <see cref="Rgb"/> reads the same either way.
/// </summary>
public sealed record LabelledTile(string TileId, string Source, int Width, int Height, byte[] Rgb, IReadOnlyList<LabelObject> Objects)
{
    /// <summary>Objects per class over the tiles (ordinal class names).</summary>
    public static Dictionary<string, int> ObjectsPerClass(IEnumerable<LabelledTile> tiles) =>
        tiles.SelectMany(t => t.Objects).GroupBy(o => o.Class, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private readonly byte[]? held = Rgb;

    /// <summary>The decoded pixels: held, or for an on-demand tile a copy of them (read through <see cref="RentPixels"/>
    /// where it matters: the training and validation paths do).</summary>
    public byte[] Rgb
    {
        get
        {
            if (held is not null) return held;
            using var lease = RentPixels();
            return lease.Pixels.ToArray();
        }
        init => held = value;
    }

    /// <summary>The decoded pixels without a copy: held, or lent by <see cref="PixelCache"/> (decoded again after an
    /// eviction) until the lease is disposed.</summary>
    public PixelLease RentPixels() => held is not null ? new PixelLease(held) : PixelCache!.Rent(TileId + "|" + Source, DecodedBytes, DecodeInto!);

    /// <summary>The cache an on-demand tile decodes through; null when the pixels are held.</summary>
    public DecodedSceneCache? PixelCache { get; private init; }

    private Action<byte[]>? DecodeInto { get; init; }

    /// <summary>Metres of ground a pixel covers, from a GeoTIFF's georeference (<c>GeoReference.GroundSampleMetres</c>); null when unknown.</summary>
    public double? GroundSampleMetres { get; init; }

    /// <summary>Bytes of the decoded RGB pixels.</summary>
    public long DecodedBytes => 3L * Width * Height;

    /// <summary>A tile whose pixels are decoded by <paramref name="decodeInto"/> (into an array of <see cref="DecodedBytes"/>)
    /// when read, kept in <paramref name="cache"/> as room allows.</summary>
    public static LabelledTile OnDemand(string tileId, string source, int width, int height, IReadOnlyList<LabelObject> objects,
        DecodedSceneCache cache, Action<byte[]> decodeInto, double? groundSampleMetres = null) =>
        new(tileId, source, width, height, null!, objects) { PixelCache = cache, DecodeInto = decodeInto, GroundSampleMetres = groundSampleMetres };
}

/// <summary>Training and validation tiles plus the classes found in their labels (sorted, ordinal).</summary>
public sealed record TileDataset(string SnapshotId, IReadOnlyList<LabelledTile> Train, IReadOnlyList<LabelledTile> Validation)
{
    public IReadOnlyList<string> ClassesInLabels() =>
        Train.Concat(Validation).SelectMany(t => t.Objects).Select(o => o.Class)
             .Distinct().Order(StringComparer.Ordinal).ToList();
}
