using System.Text;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Ingestion;

/// <summary>
/// The one code path that turns an arrived file (image or label sidecar) into ledger state. The blob trigger
/// and the local folder watcher both call <see cref="IngestAsync"/>. Safe under at-least-once, concurrent and
/// out-of-order delivery: tiles are content-addressed, every ledger write is conditional, and an image and its
/// labels pair whichever arrives first (each side writes, then looks for the other, so at least one sees it).
/// Bad input is never thrown away: it goes to the quarantine container with a reason file.
/// </summary>
public sealed class IngestionService
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff"];

    private readonly IArtifactStore _store;
    private readonly ITileLedger _ledger;
    private readonly IClock _clock;
    private readonly IngestionOptions _options;
    private readonly LabelValidator _validator;
    private readonly IImageInspector _images;

    public IngestionService(IArtifactStore store, ITileLedger ledger, IImageInspector images, IClock? clock = null, IngestionOptions? options = null)
    {
        _store = store;
        _ledger = ledger;
        _images = images;
        _clock = clock ?? SystemClock.Instance;
        _options = options ?? new IngestionOptions();
        _validator = new LabelValidator(_options.ClosedClassSet);
    }

    public static bool IsImageName(string name) =>
        ImageExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);

    /// <summary>The most bytes a file of this name may have; a reader checks it before reading the file.</summary>
    public long MaxBytesFor(string sourceName) =>
        LabelFile.IsSidecarName(sourceName) ? _options.MaxSidecarBytes : _options.Limits.MaxBytes;

    /// <summary>The refusal for a file of <paramref name="length"/> bytes above its limit, or null.</summary>
    public LabelProblem? TooLarge(string sourceName, long length)
    {
        long max = MaxBytesFor(sourceName);
        if (length <= max) return null;
        return LabelFile.IsSidecarName(sourceName)
            ? new(ProblemCode.FileTooLarge, $"the label file has {length:N0} bytes, above the limit of {max:N0}.")
            : new(ProblemCode.ImageTooLarge, $"the file has {length:N0} bytes, above the limit of {max:N0}.");
    }

    /// <summary>Ingests one arrived file. <paramref name="sourceName"/> is its name relative to the incoming container.</summary>
    public async Task<IngestOutcome> IngestAsync(string sourceName, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        if (StoreKeys.Unsafe(sourceName) is { } unsafeWhy)
            return await QuarantineAsync(sourceName, content, [new(ProblemCode.UnsafeName, unsafeWhy)], ct);
        if (content.Length == 0)
            return await QuarantineAsync(sourceName, content, [new(ProblemCode.EmptyFile, "the file has zero bytes.")], ct);
        if (TooLarge(sourceName, content.Length) is { } tooLarge)
            return await QuarantineAsync(sourceName, content, [tooLarge], ct);

        if (LabelFile.IsSidecarName(sourceName))
            return await IngestLabelsAsync(sourceName, content, ct);
        var announced = _images.Sniff(content.Span);
        if (IsImageName(sourceName) || announced is not null)
            return await IngestImageAsync(sourceName, content, announced, ct);
        return await QuarantineAsync(sourceName, content, [new(ProblemCode.UnsupportedFormat,
            $"\"{Path.GetExtension(sourceName)}\" is neither an image (PNG, JPEG, TIFF) nor a label sidecar (*{LabelFile.Suffix}).")], ct);
    }

    private async Task<IngestOutcome> IngestImageAsync(string sourceName, ReadOnlyMemory<byte> content, ImageFormat? announced, CancellationToken ct)
    {
        ImageInfo info;
        try
        {
            if (announced is null)
                throw new ImageDecodeException(ProblemCode.UnsupportedFormat, sourceName,
                    $"the content is not PNG, JPEG or TIFF (first bytes {Convert.ToHexString(content.Span[..Math.Min(8, content.Length)])}).");
            info = _images.Inspect(content, sourceName, _options.Limits);
        }
        catch (ImageDecodeException ex)
        {
            return await QuarantineAsync(sourceName, content, [new(ex.Code, ex.Message)], ct);
        }

        var id = TileId.Of(content.Span);
        string imageKey = StoreKeys.Tile(id.Value, ExtensionOf(info.Format));
        await _store.PutAsync(Containers.Datasets, imageKey, content, overwrite: false, ct);
        var (tile, added) = await _ledger.AddTileAsync(new TileRecord
        {
            Id = id,
            SourceName = sourceName,
            ImageKey = imageKey,
            Image = info,
            SizeBytes = content.Length,
            ArrivedAt = _clock.UtcNow,
            Split = SplitAssigner.For(id, _options.ValidationFraction),
        }, ct);

        // The same bytes under a new name: remember that name too, so labels that arrive later under it find the tile.
        // Written before the pending look-up below, which mirrors the label side (write, then look).
        if (!added && tile.PairingKey != LabelFile.PairingKeyOf(sourceName))
            await _store.PutAsync(Containers.Datasets, AliasKey(LabelFile.PairingKeyOf(sourceName)),
                Encoding.UTF8.GetBytes(id.Value), overwrite: true, ct);

        // The image may be a re-upload under another name: pair with labels pending under either name.
        var newlyLabelled = await AttachPendingAsync(tile, LabelFile.PairingKeyOf(sourceName), ct);
        if (newlyLabelled is null && tile.PairingKey != LabelFile.PairingKeyOf(sourceName))
            newlyLabelled = await AttachPendingAsync(tile, tile.PairingKey, ct);
        return new IngestOutcome(added ? IngestKind.TileAdded : IngestKind.DuplicateTile, sourceName, id, newlyLabelled);
    }

    private async Task<IngestOutcome> IngestLabelsAsync(string sourceName, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        LabelFile labels;
        try
        {
            labels = LabelReader.Parse(content.Span, sourceName);
        }
        catch (LabelFormatException ex)
        {
            return await QuarantineAsync(sourceName, content, [ex.Problem], ct);
        }

        var problems = _validator.Validate(labels).ToList();
        string expectedStem = Path.GetFileName(LabelFile.PairingKeyOf(sourceName));
        if (!string.IsNullOrWhiteSpace(labels.Image) && LabelFile.StemOf(Path.GetFileName(labels.Image)) != expectedStem)
            problems.Add(new(ProblemCode.ImageNameMismatch,
                $"the sidecar is named for image \"{expectedStem}.*\" but its \"image\" field says \"{labels.Image}\"."));
        if (problems.Count > 0)
            return await QuarantineAsync(sourceName, content, problems, ct);

        string labelHash = ContentHash.Of(content.Span);
        string labelKey = StoreKeys.Labels(labelHash);
        await _store.PutAsync(Containers.Datasets, labelKey, content, overwrite: false, ct);

        string pairingKey = LabelFile.PairingKeyOf(sourceName);
        var tiles = await FindTilesAsync(pairingKey, ct);
        if (tiles.Count == 0)
        {
            await _ledger.PutPendingLabelAsync(new PendingLabel(pairingKey, labelHash, labelKey, sourceName, _clock.UtcNow), ct);
            // The image may have been registered between our look-up and our write: look again.
            tiles = await FindTilesAsync(pairingKey, ct);
            if (tiles.Count == 0)
                return new IngestOutcome(IngestKind.LabelsPending, sourceName);
            await _ledger.RemovePendingLabelAsync(pairingKey, labelHash, ct);
        }
        return await AttachAsync(tiles[0], labels, labelHash, labelKey, sourceName, content, ct);
    }

    private async Task<IngestOutcome> AttachAsync(TileRecord tile, LabelFile labels, string labelHash, string labelKey,
        string sourceName, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var problems = _validator.Validate(labels, tile.Image.Width, tile.Image.Height);
        if (problems.Count > 0)
            return await QuarantineAsync(sourceName, content, problems, ct) with { TileId = tile.Id };

        var counts = labels.ClassCounts();
        bool changed = await _ledger.SetLabelsAsync(tile.Id, labelHash, labelKey, counts, _clock.UtcNow, ct);
        return changed
            ? new IngestOutcome(IngestKind.LabelsAttached, sourceName, tile.Id,
                new NewlyLabelledTile(tile.Id, tile.Split, counts, Relabelled: tile.LabelHash is not null, labelHash))
            : new IngestOutcome(IngestKind.LabelsUnchanged, sourceName, tile.Id);
    }

    private async Task<NewlyLabelledTile?> AttachPendingAsync(TileRecord tile, string pairingKey, CancellationToken ct)
    {
        var pending = await _ledger.GetPendingLabelAsync(pairingKey, ct);
        if (pending is null) return null;
        var content = await _store.GetAsync(Containers.Datasets, pending.LabelKey, ct)
            ?? throw new AutoRetrainException(
                $"the pending labels for \"{pending.SourceName}\" are registered but {Containers.Datasets}/{pending.LabelKey} is missing.");
        var labels = LabelReader.Parse(content, pending.SourceName);
        var outcome = await AttachAsync(tile, labels, pending.LabelHash, pending.LabelKey, pending.SourceName, content, ct);
        await _ledger.RemovePendingLabelAsync(pairingKey, pending.LabelHash, ct);
        return outcome.NewlyLabelled;
    }

    /// <summary>Tiles whose source name has this pairing key, else the tile an image re-uploaded under that name already was.</summary>
    private async Task<IReadOnlyList<TileRecord>> FindTilesAsync(string pairingKey, CancellationToken ct)
    {
        var tiles = await _ledger.FindByPairingKeyAsync(pairingKey, ct);
        if (tiles.Count > 0) return tiles;
        var alias = await _store.GetAsync(Containers.Datasets, AliasKey(pairingKey), ct);
        if (alias is null) return [];
        var tile = await _ledger.GetTileAsync(new TileId(Encoding.UTF8.GetString(alias)), ct);
        return tile is null ? [] : [tile];
    }

    private static string AliasKey(string pairingKey) => $"aliases/{ContentHash.Of(Encoding.UTF8.GetBytes(pairingKey))}";

    private async Task<IngestOutcome> QuarantineAsync(string sourceName, ReadOnlyMemory<byte> content,
        IReadOnlyList<LabelProblem> problems, CancellationToken ct)
    {
        string sha = ContentHash.Of(content.Span);
        string key = QuarantineKey(sha, sourceName);
        var now = _clock.UtcNow;
        var reason = new QuarantineReason(StoreKeys.Printable(sourceName), sha, content.Length, now, problems[0].Code, problems);
        // Reason first: a quarantined file is never without its explanation.
        bool isNew = await _store.PutAsync(Containers.Quarantine, key + QuarantineReason.Suffix,
            Encoding.UTF8.GetBytes(Json.Serialize(reason)), overwrite: false, ct);
        await _store.PutAsync(Containers.Quarantine, key, content, overwrite: false, ct);
        await _ledger.RecordQuarantineAsync(new QuarantineEntry(key, reason.SourceName, problems[0].Code.ToString(),
            string.Join("; ", problems), now), ct);
        return new IngestOutcome(IngestKind.Quarantined, sourceName, Problems: problems, QuarantineKey: key) { AlreadyRecorded = !isNew };
    }

    /// <summary>
    /// Records an input that is refused without being read (a symbolic link, FIFO, device, unreadable or oversized file):
    /// a reason file and a ledger entry, no content. <paramref name="identity"/> says what was seen (its kind, size, link
    /// target...): the same file seen again under the same identity is recorded once.
    /// </summary>
    public async Task<IngestOutcome> RecordRefusedAsync(string sourceName, LabelProblem problem, string identity, long sizeBytes,
        CancellationToken ct = default)
    {
        string idHash = ContentHash.Of(Encoding.UTF8.GetBytes($"{problem.Code}\n{identity}"));
        string key = QuarantineKey(idHash, sourceName);
        var now = _clock.UtcNow;
        var reason = new QuarantineReason(StoreKeys.Printable(sourceName), idHash, sizeBytes, now, problem.Code, [problem], ContentStored: false);
        bool isNew = await _store.PutAsync(Containers.Quarantine, key + QuarantineReason.Suffix,
            Encoding.UTF8.GetBytes(Json.Serialize(reason)), overwrite: false, ct);
        await _ledger.RecordQuarantineAsync(new QuarantineEntry(key, reason.SourceName, problem.Code.ToString(), problem.ToString(), now), ct);
        return new IngestOutcome(IngestKind.Quarantined, sourceName, Problems: [problem], QuarantineKey: key)
        {
            AlreadyRecorded = !isNew,
            RecordOnly = true,
        };
    }

    /// <summary>
    /// Content hash plus the original relative name (hashed, since two names may sanitise alike: <c>a/x.png</c> and
    /// <c>b/x.png</c>, <c>ä.png</c> and <c>ö.png</c>), then the readable name: two different inputs never share a key,
    /// the same input delivered twice always does.
    /// </summary>
    public static string QuarantineKey(string sha, string sourceName)
    {
        string nameHash = ContentHash.Of(Encoding.UTF8.GetBytes(sourceName))[..8];
        return $"{sha[..16]}/{nameHash}-{SafeFileName(sourceName)}";
    }

    /// <summary>The last path segment with anything but letters, digits, '.', '-' and '_' replaced, never "." or "..".</summary>
    public static string SafeFileName(string sourceName)
    {
        string last = sourceName.Replace('\\', '/').Split('/').LastOrDefault(s => s.Length > 0) ?? "unnamed";
        var safe = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
        if (safe.Trim('.').Length == 0) safe = "unnamed";
        return safe.Length > 120 ? safe[^120..] : safe;
    }

    private static string ExtensionOf(ImageFormat format) => format switch
    {
        ImageFormat.Png => ".png",
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Tiff => ".tif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
