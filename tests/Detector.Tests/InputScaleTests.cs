using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Artefact;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Evaluation;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>The resampling chosen from the objects' sizes, recorded in the model and used by prediction; the GIoU term.</summary>
public class InputScaleTests
{
    private static IEnumerable<BoundingBox> Squares(params double[] sides) => sides.Select(s => new BoundingBox(0, 0, s, s));

    [Fact]
    public void Choose_ObjectsOfUsualSize_KeepsScaleOne() =>
        Assert.Equal(1, InputScale.Choose(Squares(12, 20, 30, 45, 60, 80, 100), 256));

    [Fact]
    public void Choose_ObjectsUnderTenPixels_UpsamplesTheSmallestTenthToTen()
    {
        double scale = InputScale.Choose(Squares(6, 6, 7, 8, 8, 9, 10, 12, 14, 16), 256);

        Assert.Equal(256.0 / 154, scale);   // 10 / 6 = 1.67, rounded so a chip covers 154 whole scene pixels
        Assert.True(6 * scale >= InputScale.SmallestObjectPixels - 0.1);
    }

    [Fact]
    public void Choose_ObjectsLargerThanHalfAChip_Downsamples() =>
        Assert.Equal(256.0 / 468, InputScale.Choose(Squares(150, 200, 220, 234, 234), 256));

    [Fact]
    public void Choose_NoObjects_IsOne() => Assert.Equal(1, InputScale.Choose([], 256));

    // 20 objects: the smallest tenth (index 1) is 12 px, the largest twentieth (index 18) 200 px.
    private static readonly BoundingBox[] SmallAndLarge = Squares([12, 12, .. Enumerable.Repeat(50.0, 16), 200, 200]).ToArray();

    [Fact]
    public void ChooseChip_ObjectsThatFitAtScaleOne_KeepsTheDefaultChip()
    {
        Assert.Equal((InputScale.DefaultChipSize, 1.0), InputScale.Choose(Squares(12, 20, 30, 45, 60, 80, 100), null, null));
        // Large objects alone are downsampled, as with a chip given: the small ones stay over 10 px.
        Assert.Equal((256, 256.0 / 468), InputScale.Choose(Squares(150, 200, 220, 234, 234), null, null));
    }

    [Fact]
    public void ChooseChip_NoScaleFitsBothSmallAndLargeObjects_GrowsTheChipUntilTheLargeFitHalfOfIt()
    {
        // At 256 px, 200-px objects fit half a chip only below 0.64, where the 12-px ones fall under 10 px (0.83 keeps
        // them): a chip given keeps 0.83 and the small objects; a chip left to choose grows to 352 px, where 0.88 does both.
        Assert.Equal((256, 256.0 / 307), InputScale.Choose(SmallAndLarge, 256, null));
        var (chip, scale) = InputScale.Choose(SmallAndLarge, null, null);
        Assert.Equal((352, 352.0 / 400), (chip, scale));
        Assert.True(12 * scale >= InputScale.SmallestObjectPixels && 200 * scale <= chip / 2.0 + 1e-9);
    }

    [Fact]
    public void ChooseChip_SpreadTooWideForTheLargestChip_StopsAtItAndKeepsTheSmallObjects()
    {
        var (chip, scale) = InputScale.Choose(Squares([6, 6, .. Enumerable.Repeat(50.0, 16), 300, 300]), null, null);

        Assert.Equal(InputScale.MaxChipSize, chip);
        Assert.Equal(512.0 / 307, scale);   // 10 / 6, so the 6-px objects reach 10 px
    }

    [Fact]
    public void ChooseChip_ScaleGiven_KeepsItAndSizesTheChipForIt()
    {
        Assert.Equal((416, 2.0), InputScale.Choose(Squares(20, 50, 100, 100), null, 2));
        Assert.Equal((256, 0.5), InputScale.Choose(Squares(20, 50, 100, 100), null, 0.5));
    }

    [Fact]
    public void Train_ChipLeftToChoose_RecordsTheChosenChipInTheModel()
    {
        using var folder = new TempFolder();
        // 400-px tiles with 150-px objects at scale 1: half a chip must hold 150 px, so the chip is 320 px.
        var tiles = Enumerable.Range(0, 2).Select(i => new LabelledTile($"t{i}", $"t{i}.png", 400, 400, new byte[400 * 400 * 3],
            [LabelObject.Of("boat", new BoundingBox(50 + i, 60, 200 + i, 210))])).ToList();

        TrainerTests.Train(new TileDataset("s", tiles, tiles.Take(1).ToList()), folder.Path,
            TrainerTests.Quick(1) with { InputSize = null, InputScale = 1, MaxSteps = 1 });

        var metadata = ModelArtefact.ReadMetadata(folder.Path);
        Assert.Equal((320, 1.0), (metadata.InputSize, metadata.InputScale));
    }

    [Fact]
    public void Stitch_ChipAtScaleTwo_MapsBoxesBackToScenePixels()
    {
        var chip = new ChipDetections(100, 50, [new Detection(0, 0.9, new BoundingBox(10, 10, 20, 30))], Scale: 2);

        var stitched = ScenePredictor.Stitch([chip], 1000, 1000, nmsIoU: 0.5);

        Assert.Equal([new Detection(0, 0.9, new BoundingBox(105, 55, 110, 65))], stitched);
    }

    [Theory]
    [InlineData(2, 2, 0, 0, 2, 2, 0, 0, 1.0)]                         // equal boxes
    [InlineData(2, 2, 0, 0, 2, 2, 1, 1, 1.0 / 7 - 2.0 / 9)]          // [−1,−1,1,1] vs [0,0,2,2]: I 1, U 7, C 9
    [InlineData(1, 1, 0, 0, 1, 1, 2, 0, -1.0 / 3)]                    // disjoint side by side: I 0, U 2, C 3
    [InlineData(4, 2, 0, 0, 2, 2, 0, 0, 0.5)]                         // nested: I 4, U 8, C 8
    [InlineData(-3, 2, 0, 0, 2, 2, 0, 0, 0.0)]                        // a negative predicted width counts as 0: I 0, U 4, C 4
    public void Giou_KnownBoxes_MatchesTheFormula(float pw, float ph, float px, float py, float tw, float th, float tx, float ty, double expected)
    {
        using var predictedSize = tensor(new[] { pw, ph }).reshape(1, 2, 1, 1);
        using var predictedOffset = tensor(new[] { px, py }).reshape(1, 2, 1, 1);
        using var size = tensor(new[] { tw, th }).reshape(1, 2, 1, 1);
        using var offset = tensor(new[] { tx, ty }).reshape(1, 2, 1, 1);

        using var giou = CenterNetLoss.Giou(predictedSize, predictedOffset, size, offset);

        Assert.Equal(new long[] { 1, 1, 1, 1 }, giou.shape);
        Assert.Equal(expected, giou.item<float>(), 5);
    }

    [Fact]
    public void Train_ObjectsUnderTenPixels_RecordsAnUpsamplingScaleThatPredictionUses()
    {
        using var folder = new TempFolder();
        string[] classes = ["boat", "car"];
        var tiles = ShapeTiles.Make(6, 64, classes, seed: 1, objectsPerTile: 4, objectSize: 6);
        var options = TrainerTests.Quick(30) with { TargetMap50 = 0.9 };

        var result = TrainerTests.Train(new TileDataset("s", tiles, tiles), folder.Path, options);

        var metadata = ModelArtefact.ReadMetadata(folder.Path);
        Assert.Equal(64.0 / 38, metadata.InputScale);
        Assert.True(result.BestValMap50 >= 0.5, $"6-px objects reached mAP50 {result.BestValMap50}");
        var (model, _) = ModelArtefact.Load(folder.Path);
        using (model)
        {
            var scaled = DetectorEvaluator.Evaluate(model, metadata, CPU, tiles);
            Assert.Equal(result.BestValMap50, scaled.Map50, 6);
        }
    }
}
