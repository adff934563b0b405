namespace AutoRetrain.Core.Metrics;

/// <summary>
/// The per-image half of pycocotools' COCOeval: <c>evaluate()</c>'s greedy matching, done once
/// per (image, category) for every area range and IoU threshold. <see cref="Accumulate"/> is the
/// other half and takes any list of image indices, so a bootstrap can score many resampled
/// subsets without matching again: pass a multiset (an image drawn twice counts twice, exactly
/// as if it appeared twice in the ground truth with its detections).
/// </summary>
public sealed class CocoImageEvaluations
{
    private readonly CocoImageCategoryResult?[] _cells;

    private CocoImageEvaluations(IReadOnlyList<string> categories, int imageCount, CocoImageCategoryResult?[] cells)
    {
        Categories = categories;
        ImageCount = imageCount;
        _cells = cells;
    }

    /// <summary>Category names, indexed by <see cref="GroundTruthObject.Category"/>.</summary>
    public IReadOnlyList<string> Categories { get; }

    public int ImageCount { get; }

    internal CocoImageCategoryResult? Cell(int image, int category) => _cells[image * Categories.Count + category];

    /// <summary>Matches every image's detections to its ground truth (pycocotools <c>evaluate()</c>).</summary>
    /// <param name="images">Ground truth; the list order is the image order of pycocotools' sorted image ids
    /// and decides how equal scores on different images are ordered.</param>
    /// <param name="detections">In input order, which breaks ties between equal scores within an image.</param>
    public static CocoImageEvaluations Compute(
        IReadOnlyList<GroundTruthImage> images, IReadOnlyList<Detection> detections, IReadOnlyList<string> categories)
    {
        var input = EvaluationInput.Prepare(images, detections, categories.Count);
        var cells = new CocoImageCategoryResult?[input.BucketCount];
        // Buckets are independent; each worker matches a contiguous range with its own scratch.
        var ranges = System.Collections.Concurrent.Partitioner.Create(0, cells.Length, Math.Max(1024, cells.Length / (4 * Environment.ProcessorCount) + 1));
        Parallel.ForEach(ranges, range =>
        {
            var matcher = new CocoMatcher();
            for (int b = range.Item1; b < range.Item2; b++)
            {
                var gtSlice = input.GroundTruth(b);
                var dtSlice = input.Detections(b);
                if (gtSlice.Count == 0 && dtSlice.Count == 0) continue; // evaluateImg returns None
                cells[b] = matcher.Match(input.GtObjects, gtSlice, detections, dtSlice);
            }
        });
        return new CocoImageEvaluations(categories, images.Count, cells);
    }

    /// <summary>pycocotools <c>accumulate()</c> and <c>summarize()</c> over the given images.</summary>
    /// <param name="imageIndices">Indices into the evaluated image list, repeats allowed (bootstrap).
    /// Their order is the concatenation order, which only matters for equal scores.</param>
    public CocoMetrics Accumulate(IReadOnlyList<int> imageIndices)
    {
        EvaluationInput.CheckImageIndices(imageIndices, ImageCount);
        return CocoAccumulator.Accumulate(this, imageIndices);
    }

    /// <summary>Every image once, in order: the standard COCO evaluation.</summary>
    public CocoMetrics AccumulateAll() => Accumulate(EvaluationInput.AllImages(ImageCount));
}

/// <summary>
/// evaluateImg's output for one (image, category), for all area ranges and IoU thresholds:
/// scores of the kept detections (best first, at most maxDets[-1]), each one's outcome, and the
/// number of ground-truth objects that are not ignored.
/// </summary>
internal sealed class CocoImageCategoryResult(double[] scores, byte[] outcomes, int[] positives)
{
    public const byte FalsePositive = 0, TruePositive = 1, Ignored = 2;

    public double[] Scores { get; } = scores;

    /// <summary>Outcome of detection d at area range a and threshold t: index (a * T + t) * D + d.</summary>
    public byte[] Outcomes { get; } = outcomes;

    /// <summary>Non-ignored ground truth per area range.</summary>
    public int[] Positives { get; } = positives;
}

/// <summary>Ground-truth objects of all images in one array, with the image each came from.</summary>
internal sealed record FlatGroundTruth(GroundTruthObject[] Objects, int[] Image)
{
    public int Count => Objects.Length;

    public static FlatGroundTruth Of(IReadOnlyList<GroundTruthImage> images)
    {
        int n = 0;
        for (int i = 0; i < images.Count; i++) n += images[i].Objects.Count;
        var objects = new GroundTruthObject[n];
        var image = new int[n];
        int j = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var list = images[i].Objects;
            for (int o = 0; o < list.Count; o++, j++) { objects[j] = list[o]; image[j] = i; }
        }
        return new FlatGroundTruth(objects, image);
    }
}
