using AutoRetrain.Core.Tiles;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Imagery.Rasters;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// Scenes too large to decode whole are predicted by windows, one row of chips at a time, with the detections of the
/// whole-scene path; <c>predict</c> takes that path for a TIFF beyond the whole-decode limits and stays within a
/// memory bound far below the whole scene's.
/// </summary>
public class WindowedPredictionTests
{
    /// <summary>A nano model whose peaks survive stitching, the same for a seed (also for <see cref="TestTimeScalesTests"/>).</summary>
    internal static CenterNet UntrainedModel(int seed = 5)
    {
        random.manual_seed(seed);
        var model = new CenterNet(DetectorArchitecture.Nano, 3);
        // Boxes of about 3 cells, so the untrained model's peaks survive the stitching's empty-box filter.
        using (no_grad()) model.named_parameters().Single(p => p.name == "size.2.bias").parameter.fill_(3.0);
        return model;
    }

    [Theory]
    [InlineData(true, 1.0, new[] { 1.0 })]
    [InlineData(false, 0.5, new[] { 1.0 })]
    [InlineData(true, 0.5, new[] { 1.0, 1.5 })]
    public void PredictByWindows_SixteenBitFourBandTiff_GivesTheWholeScenePredictionsDetections(bool tiled, double inputScale, double[] scales)
    {
        using var folder = new TempFolder();
        // 16-bit, 4 bands, 610 × 470: rows of chips that end on partial tiles or strips, a stretch from the whole scene.
        var tile = ShapeTiles.Make(1, 610, ["boat", "car", "tank"], seed: 17, objectsPerTile: 20, objectSize: 14)[0];
        const int width = 610, height = 470;
        var samples = new ushort[width * height * 4];
        for (int p = 0; p < width * height; p++)
        {
            for (int c = 0; c < 3; c++) samples[p * 4 + c] = (ushort)(tile.Rgb[p * 3 + c] * 40 + p % 97);
            samples[p * 4 + 3] = (ushort)(p * 7 % 65536);
        }
        string path = folder.Sub("scene.tif");
        File.WriteAllBytes(path, ImageWriter.EncodeGeoTiff(new RasterImage(new ImageInfo(ImageFormat.Tiff, width, height, 4, 16), samples), tiled: tiled));
        byte[] whole = DatasetReader.LoadRgb(path, out _, out _);

        using var model = UntrainedModel();
        // One chip a batch on both paths, so every chip's forward is the same computation.
        var predictor = new ScenePredictor(model, 64, Normalisation.Default, CPU, new PredictionOptions { MinScore = 0, BatchSize = 1, Scales = scales }, inputScale);
        var expected = predictor.Predict([new SceneImage(whole, width, height)])[0];
        var fractions = new List<double>();
        using var reader = TiffWindowReader.Open(path);
        var byWindows = predictor.PredictByWindows(reader, fractions.Add);

        Assert.True(expected.Count > 20, $"{expected.Count} detections");
        Assert.Equal(expected, byWindows);
        Assert.Equal(1.0, fractions[^1]);
        Assert.True(fractions.Count > 5 && fractions.SequenceEqual(fractions.Order()), string.Join(", ", fractions));
    }

    [Fact]
    public void Predict_TiffBeyondTheWholeDecodeLimit_IsPredictedByWindowsWithinTheMemoryOfASmallScene()
    {
        using var folder = new TempFolder();
        string model = folder.Sub("model");
        // The model reads scenes at half resolution (a chip covers 512 scene pixels), so the large scene is 576 chips.
        using (var untrained = UntrainedModel())
            ModelArtefact.Save(untrained, new ModelMetadata
            {
                Architecture = "nano", Classes = ["boat", "car", "tank"], InputSize = 256, InputScale = 0.5,
                OutputStride = DetectorArchitecture.OutputStride, Normalisation = Normalisation.Default, CodeVersion = ModelArtefact.CodeVersion,
            }, model);
        // 11,400 × 11,400 grey (130 MP, over the 128-MP whole-decode limit): decoded whole, its samples and RGB alone
        // would be 650 MB. The small scene, 1,500 px, is decoded whole.
        string small = WriteGreyTiff(folder.Sub("small"), 1_500), large = WriteGreyTiff(folder.Sub("large"), 11_400);
        Assert.Equal(Core.Labels.ProblemCode.ImageTooLarge,
            Assert.Throws<ImageDecodeException>(() => ImageReader.ReadInfo(File.ReadAllBytes(Path.Combine(large, "scene.tif")), "scene.tif")).Code);

        long smallGrowth = PeakGrowthOfPredict(model, small, folder.Sub("small.json"));
        long largeGrowth = PeakGrowthOfPredict(model, large, folder.Sub("large.json"));

        // The whole-decode reader refuses the scene (above), so a result means it went by windows.
        var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.Sub("large.json"))).RootElement;
        Assert.All(results.EnumerateArray(), r =>
        {
            var box = r.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.True(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 11_400 && box[1] + box[3] <= 11_400, string.Join(", ", box));
        });
        // Beyond what a small scene costs (the model, libtorch's buffers, the runtime): a band of chips (11,400 × 512 px,
        // 29 MB of samples and RGB, a few of them until the GC frees them) and the tile cache (at most 128 MB).
        Assert.True(largeGrowth < smallGrowth + (256L << 20),
            $"peak RSS grew by {largeGrowth >> 20} MiB for the 130-MP scene, {smallGrowth >> 20} MiB for a 1,500-px one");
    }

    private static string WriteGreyTiff(string folder, int side)
    {
        Directory.CreateDirectory(folder);
        var samples = new ushort[(long)side * side];
        for (long p = 0; p < samples.LongLength; p++) samples[p] = (ushort)(90 + p % side / 600 * 8 + p / side / 700 * 5);
        File.WriteAllBytes(Path.Combine(folder, "scene.tif"),
            ImageWriter.EncodeGeoTiff(new RasterImage(new ImageInfo(ImageFormat.Tiff, side, side, 1, 8), samples), tiled: true));
        return folder;
    }

    /// <summary>How far <c>predict</c> on the folder raises the peak resident set (reset first; the tests run one at a time).</summary>
    private static long PeakGrowthOfPredict(string model, string images, string output)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = LargeSceneMemoryTests.ProcStatusBytes("VmRSS");
        int code = HostileTrainerInputTests.Run(out string stderr, "predict", "--model", model, "--images", images, "--out", output,
            "--min-score", "0.5", "--device", "cpu");
        Assert.True(code == 0, stderr);
        return LargeSceneMemoryTests.ProcStatusBytes("VmHWM") - before;
    }
}
