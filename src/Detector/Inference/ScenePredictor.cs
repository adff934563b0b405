using AutoRetrain.Imagery.Chips;
using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Model;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Inference;

/// <summary>An image to run the detector on: RGB bytes, 3 a pixel, row-major.</summary>
public sealed record SceneImage(byte[] Rgb, int Width, int Height);

/// <summary>Options for scene inference: chip overlap, peaks per chip, score floor, cross-chip NMS IoU.</summary>
public sealed record PredictionOptions
{
    public int Overlap { get; init; } = 32;
    public int TopK { get; init; } = 128;
    public double MinScore { get; init; } = 0.05;
    public double NmsIoU { get; init; } = 0.5;
    public int BatchSize { get; init; } = 16;
}

/// <summary>
/// Runs the detector on scenes of any size: cuts overlapping chips of the model's input size (padding
/// scenes smaller than a chip), decodes each chip, moves boxes to scene coordinates, clips them to the
/// scene, and removes the duplicates that overlapping chips produce with class-aware NMS. With an
/// <paramref name="inputScale"/> other than 1 (the model's, see <see cref="InputScale"/>) a chip covers
/// chipSize / scale scene pixels, resampled to the input, and its boxes are scaled back.
/// </summary>
public sealed class ScenePredictor(CenterNet model, int chipSize, Normalisation norm, Device device, PredictionOptions? options = null,
    double inputScale = 1)
{
    /// <summary>Scenes the hosts pass in one call (their chips share batches); more would hold more decoded scenes at once.</summary>
    public const int ScenesPerCall = 16;

    private readonly PredictionOptions options = options ?? new PredictionOptions();

    public IReadOnlyList<Detection>[] Predict(IReadOnlyList<SceneImage> scenes)
    {
        int region = InputScale.RegionFor(chipSize, inputScale);
        double scale = (double)chipSize / region;
        int overlap = Math.Clamp((int)Math.Round(options.Overlap / scale), 0, region - 1);
        var jobs = scenes.SelectMany((s, i) => ChipGrid.For(s.Width, s.Height, region, overlap).Select(c => (Scene: i, c.X, c.Y))).ToList();
        var perScene = scenes.Select(_ => new List<ChipDetections>()).ToArray();
        int image = 3 * chipSize * chipSize;
        int batchSize = Math.Max(1, Math.Min(options.BatchSize, jobs.Count));
        // One buffer for every batch, shared with the input tensor (from_array copies nothing); the folded copy is made
        // per call, since the trainer predicts with weights that change between calls.
        var pixels = new float[batchSize * image];
        model.eval();
        using var folded = model.FoldForInference();
        for (int start = 0; start < jobs.Count; start += batchSize)
        {
            var slice = jobs.GetRange(start, Math.Min(batchSize, jobs.Count - start));
            Parallel.For(0, slice.Count, i =>
            {
                var (scene, x, y) = slice[i];
                var s = scenes[scene];
                var t = ChipTransform.Identity with { OriginX = x, OriginY = y, Scale = scale };
                ChipRenderer.Render(s.Rgb, s.Width, s.Height, t, chipSize, norm, pixels.AsSpan(i * image, image));
            });
            using var scope = NewDisposeScope();
            var input = from_array(pixels).narrow(0, 0, (long)slice.Count * image).reshape(slice.Count, 3, chipSize, chipSize).to(device);
            var output = folded.Forward(input);
            var decoded = PeakDecoder.Decode(output, model.ClassCount, DetectorArchitecture.OutputStride, options.TopK, options.MinScore);
            for (int i = 0; i < slice.Count; i++)
                perScene[slice[i].Scene].Add(new ChipDetections(slice[i].X, slice[i].Y, decoded[i], scale));
        }
        return perScene.Select((chips, i) => Stitch(chips, scenes[i].Width, scenes[i].Height, options.NmsIoU)).ToArray();
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
