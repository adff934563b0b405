using AutoRetrain.Imagery.Chips;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Inference;

/// <summary>An image to run the detector on: RGB bytes, 3 a pixel, row-major, and its ground sample distance when known.</summary>
public sealed record SceneImage(byte[] Rgb, int Width, int Height, double? GroundSampleMetres = null);

/// <summary>Options for scene inference: chip overlap, peaks per chip, score floor, cross-chip NMS IoU, views of each chip averaged.</summary>
public sealed record PredictionOptions
{
    public int Overlap { get; init; } = 32;
    public int TopK { get; init; } = 128;
    public double MinScore { get; init; } = 0.05;
    public double NmsIoU { get; init; } = 0.5;
    public int BatchSize { get; init; } = 16;

    /// <summary>Flipped and rotated views of each chip whose outputs are averaged (<see cref="DihedralViews"/>): 1, 2, 4 or 8; each costs a forward.</summary>
    public int Views { get; init; } = 1;

    /// <summary>Test-time scales: the scene is read at each of these multiples of the model's scale (1 is the model's
    /// own), each through its own chip grid, and the detections of all of them go through the one cross-chip NMS.
    /// A factor f costs about f² of the single-scale forwards.</summary>
    public IReadOnlyList<double> Scales { get; init; } = [1.0];

    /// <summary>The most test-time scales, and the range of each.</summary>
    public const int MaxScales = 4;
    public const double MinScaleFactor = 0.25, MaxScaleFactor = 4;

    /// <summary>Test-time scales from comma-separated text (<c>1,1.5</c>), checked, naming the option they came from.</summary>
    public static IReadOnlyList<double> ParseScales(string? text, string source)
    {
        var scales = new List<double>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
            scales.Add(double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f)
                ? f : throw new Core.AutoRetrainException($"{source} {text}: '{part}' is not a number (give multiples of the model's scale, e.g. 1,1.5)."));
        return CheckScales(scales, source);
    }

    /// <summary>Checks test-time scales, naming the option they came from.</summary>
    public static IReadOnlyList<double> CheckScales(IReadOnlyList<double> scales, string source)
    {
        if (scales.Count == 0 || scales.Count > MaxScales)
            throw new Core.AutoRetrainException($"{source}: give 1 to {MaxScales} scales (multiples of the model's scale), not {scales.Count}.");
        foreach (double f in scales)
            if (!double.IsFinite(f) || f < MinScaleFactor || f > MaxScaleFactor)
                throw new Core.AutoRetrainException($"{source} {f.ToString(System.Globalization.CultureInfo.InvariantCulture)}: each scale must be from {MinScaleFactor} to {MaxScaleFactor} (a multiple of the model's scale).");
        if (scales.Distinct().Count() != scales.Count)
            throw new Core.AutoRetrainException($"{source}: a scale is given twice.");
        return scales;
    }
}

/// <summary>
/// Runs the detector on scenes of any size: cuts overlapping chips of the model's input size (padding
/// scenes smaller than a chip), decodes each chip, moves boxes to scene coordinates, clips them to the
/// scene, and removes the duplicates that overlapping chips produce with class-aware NMS. With an
/// <paramref name="inputScale"/> other than 1 (the model's, see <see cref="InputScale"/>) a chip covers
/// chipSize / scale scene pixels, resampled to the input, and its boxes are scaled back. Given the model's
/// <paramref name="groundSampleMetres"/>, a scene whose own differs is read at the scale that gives it the model's metres
/// per chip pixel (<see cref="InputScale.ForScene"/>).
/// </summary>
public sealed class ScenePredictor(CenterNet model, int chipSize, Normalisation norm, Device device, PredictionOptions? options = null,
    double inputScale = 1, double? groundSampleMetres = null)
{
    /// <summary>The predictor a saved model asks for: its chip size, normalisation, scale and ground sample distance.</summary>
    public static ScenePredictor For(CenterNet model, ModelMetadata metadata, Device device, PredictionOptions? options = null) =>
        new(model, metadata.InputSize, metadata.Normalisation, device, options, metadata.InputScale, metadata.GroundSampleMetres);

    /// <summary>Scenes the hosts pass in one call (their chips share batches); more would hold more decoded scenes at once.</summary>
    public const int ScenesPerCall = 16;

    private readonly PredictionOptions options = options ?? new PredictionOptions();

    public IReadOnlyList<Detection>[] Predict(IReadOnlyList<SceneImage> scenes)
    {
        var jobs = scenes.SelectMany((s, i) => options.Scales.SelectMany(factor =>
        {
            var (region, scale, overlap) = Geometry(s.GroundSampleMetres, factor);
            return ChipGrid.For(s.Width, s.Height, region, overlap).Select(c => new ChipJob(i, s, c.X, c.Y, 0, scale));
        })).ToList();
        var perScene = scenes.Select(_ => new List<ChipDetections>()).ToArray();
        model.eval();
        // Folded per call: the trainer predicts with weights that change between calls.
        using var folded = model.FoldForInference();
        foreach (var (job, detections) in Detect(folded, jobs, BatchBuffer(jobs.Count)))
            perScene[job.Scene].Add(detections);
        return perScene.Select((chips, i) => Stitch(chips, scenes[i].Width, scenes[i].Height, options.NmsIoU)).ToArray();
    }

    /// <summary>
    /// A scene too large to hold decoded (<see cref="TiffWindowReader"/>): the same chip grid as <see cref="Predict"/>, read
    /// one row of chips at a time (a band of the scene's width and one region's height), and one cross-chip NMS at the
    /// end, so the detections are those of <see cref="Predict"/> on the whole scene while memory holds one band. With
    /// several test-time scales the scene is read once per scale.
    /// <paramref name="progress"/> gets the fraction of chip rows done.
    /// </summary>
    public IReadOnlyList<Detection> PredictByWindows(IRgbWindowSource scene, Action<double>? progress = null, double? sceneGroundSample = null)
    {
        var grids = options.Scales.Select(factor =>
        {
            var (region, scale, overlap) = Geometry(sceneGroundSample, factor);
            return (Region: region, Scale: scale, Rows: ChipGrid.For(scene.Width, scene.Height, region, overlap).GroupBy(c => c.Y).ToList());
        }).ToList();
        int rowCount = grids.Sum(g => g.Rows.Count), done = 0;
        var chips = new List<ChipDetections>();
        model.eval();
        using var folded = model.FoldForInference();
        // One band buffer for every row: a band of a wide scene is tens of megabytes.
        var rgb = new byte[checked(scene.Width * Math.Min(grids.Max(g => g.Region), scene.Height) * 3)];
        var pixels = BatchBuffer(grids.Max(g => g.Rows.Max(r => r.Count())));
        foreach (var (region, scale, rows) in grids)
            foreach (var row in rows)
            {
                int y = row.Key, height = Math.Min(region, scene.Height - y);
                scene.ReadRgb8(0, y, scene.Width, height, rgb);
                var band = new SceneImage(rgb, scene.Width, height);
                chips.AddRange(Detect(folded, row.Select(c => new ChipJob(0, band, c.X, 0, y, scale)).ToList(), pixels).Select(d => d.Detections));
                progress?.Invoke(++done / (double)rowCount);
            }
        return Stitch(chips, scene.Width, scene.Height, options.NmsIoU);
    }

    /// <summary>The scale a scene of this ground sample distance is read at (chip pixels per scene pixel).</summary>
    public double ScaleFor(double? sceneGroundSample) => InputScale.ForScene(inputScale, groundSampleMetres, sceneGroundSample, chipSize);

    /// <summary>The scene region one chip covers, the chip's scale (chip pixels per scene pixel) and the overlap in scene
    /// pixels, at a test-time multiple of the model's scale.</summary>
    private (int Region, double Scale, int Overlap) Geometry(double? sceneGroundSample, double factor = 1)
    {
        int region = InputScale.RegionFor(chipSize, ScaleFor(sceneGroundSample) * factor);
        double scale = (double)chipSize / region;
        return (region, scale, Math.Clamp((int)Math.Round(options.Overlap / scale), 0, region - 1));
    }

    /// <summary>A chip to detect in: its origin in <see cref="Image"/>, how far that image sits down its scene, and its scale.</summary>
    private sealed record ChipJob(int Scene, SceneImage Image, int X, int Y, int ImageOffsetY, double Scale);

    /// <summary>A buffer for one batch of chips, shared with the input tensor (from_array copies nothing).</summary>
    private float[] BatchBuffer(int chips) => new float[Math.Max(1, Math.Min(options.BatchSize, chips)) * 3 * chipSize * chipSize];

    private List<(ChipJob Job, ChipDetections Detections)> Detect(InferenceCenterNet folded, List<ChipJob> jobs, float[] pixels)
    {
        var results = new List<(ChipJob, ChipDetections)>(jobs.Count);
        int image = 3 * chipSize * chipSize;
        int batchSize = pixels.Length / image;
        for (int start = 0; start < jobs.Count; start += batchSize)
        {
            var slice = jobs.GetRange(start, Math.Min(batchSize, jobs.Count - start));
            Parallel.For(0, slice.Count, i =>
            {
                var job = slice[i];
                var t = ChipTransform.Identity with { OriginX = job.X, OriginY = job.Y, Scale = job.Scale };
                ChipRenderer.Render(job.Image.Rgb, job.Image.Width, job.Image.Height, t, chipSize, norm, pixels.AsSpan(i * image, image));
            });
            using var scope = NewDisposeScope();
            var input = from_array(pixels).narrow(0, 0, (long)slice.Count * image).reshape(slice.Count, 3, chipSize, chipSize).to(device);
            var output = DihedralViews.Forward(folded, input, options.Views);
            var decoded = PeakDecoder.Decode(output, model.ClassCount, DetectorArchitecture.OutputStride, options.TopK, options.MinScore);
            for (int i = 0; i < slice.Count; i++)
                results.Add((slice[i], new ChipDetections(slice[i].X, slice[i].Y + slice[i].ImageOffsetY, decoded[i], slice[i].Scale)));
        }
        return results;
    }

    /// <summary>Moves chip detections into scene coordinates, clips them to the scene and merges overlaps across chips.</summary>
    public static IReadOnlyList<Detection> Stitch(IEnumerable<ChipDetections> chips, int sceneWidth, int sceneHeight, double nmsIoU)
    {
        var bounds = new BoundingBox(0, 0, sceneWidth, sceneHeight);
        var all = new List<Detection>();
        foreach (var chip in chips)
            foreach (var d in chip.Detections)
            {
                var box = new BoundingBox(d.Box.XMin / chip.Scale, d.Box.YMin / chip.Scale, d.Box.XMax / chip.Scale, d.Box.YMax / chip.Scale)
                    .Translate(chip.OriginX, chip.OriginY).Intersect(bounds);
                if (box.Width > 0 && box.Height > 0) all.Add(d with { Box = box });
            }
        return BoxNms.Apply(all, d => d.ClassIndex, d => d.Box, d => d.Score, nmsIoU);
    }
}

/// <summary>The detections of one chip, in chip coordinates, where the chip sits in its scene and its scale (chip pixels per scene pixel).</summary>
public sealed record ChipDetections(int OriginX, int OriginY, IReadOnlyList<Detection> Detections, double Scale = 1);
