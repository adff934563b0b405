using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Model;
using AutoRetrain.Detector.Training;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

public class CenterNetTests
{
    [Theory]
    [InlineData("nano", false)]
    [InlineData("tiny", true)]
    [InlineData("small", false)]
    [InlineData("medium", false)]
    public void PadsChannels_OnlyWidthsOtherThanEightOrMultiplesOfSixteen_NeedTheZeroedHeap(string name, bool expected)
    {
        var architecture = DetectorArchitecture.Named(name);
        Assert.Equal(expected, architecture.PadsChannels);
        Assert.Equal(expected, NativeHeap.Needed(architecture));
    }

    [Fact]
    public void ZeroFreshAllocations_TinyModelBuilt_TurnsTheMitigationOn()
    {
        using var model = new CenterNet(DetectorArchitecture.Tiny, classCount: 1);
        Assert.Equal(OperatingSystem.IsLinux(), NativeHeap.Zeroing);
    }

    [Fact]
    public void Forward_64x64Batch_GivesClassesPlusFourChannelsAtStrideFour()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        using var model = new CenterNet(DetectorArchitecture.Tiny, classCount: 3);
        model.eval();
        using var _ = no_grad();
        var output = model.call(randn(2, 3, 64, 64));
        Assert.Equal(new long[] { 2, 3 + 4, 16, 16 }, output.shape);
    }

    [Fact]
    public void Forward_NewModel_StartsHeatmapsNearPriorProbability()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = new CenterNet(DetectorArchitecture.Tiny, classCount: 2);
        model.eval();
        using var _ = no_grad();
        var mean = model.call(randn(1, 3, 32, 32)).narrow(1, 0, 2).sigmoid().mean().item<float>();
        Assert.InRange(mean, 0.03f, 0.3f);
    }

    [Fact]
    public void Loss_AdamSteps_DecreaseOnOneChip()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var model = new CenterNet(DetectorArchitecture.Tiny, classCount: 2);
        var targets = CenterNetTargets.Build([new ChipObject(new BoundingBox(8, 8, 20, 20), 0), new ChipObject(new BoundingBox(40, 36, 52, 60), 1)], 2, 16, 16, 4);
        var (heat, size, offset, mask) = (tensor(targets.Heatmap).reshape(1, 2, 16, 16), tensor(targets.Size).reshape(1, 2, 16, 16),
            tensor(targets.Offset).reshape(1, 2, 16, 16), tensor(targets.Mask).reshape(1, 1, 16, 16));
        var image = randn(1, 3, 64, 64);
        using var optimizer = optim.Adam(model.parameters(), 1e-2);
        model.train();
        float first = 0, last = 0;
        for (int step = 0; step < 15; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = CenterNetLoss.PerSample(model.call(image), heat, size, offset, mask).mean();
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.7, $"loss went from {first} to {last}");
    }

    [Fact]
    public void FocalLoss_PerfectPrediction_IsNearZeroAndWrongIsLarge()
    {
        using var scope = NewDisposeScope();
        var target = zeros(1, 1, 4, 4);
        target[0, 0, 1, 2] = tensor(1f);
        var perfect = target * 40 - 20;
        var wrong = -perfect;
        Assert.True(CenterNetLoss.FocalPerSample(perfect, target).item<float>() < 1e-3);
        Assert.True(CenterNetLoss.FocalPerSample(wrong, target).item<float>() > 5);
    }

    [Fact]
    public void Targets_OneBox_PeakAtCentreCellWithSizeAndOffset()
    {
        var t = CenterNetTargets.Build([new ChipObject(new BoundingBox(10, 6, 22, 14), 1)], 2, 8, 8, 4);
        // centre (16, 10) px → (4, 2.5) cells; size 3 × 2 cells
        int cell = 2 * 8 + 4;
        Assert.Equal(1f, t.Heatmap[64 + cell]);
        Assert.Equal(0f, t.Heatmap[cell]);
        Assert.Equal(3f, t.Size[cell]);
        Assert.Equal(2f, t.Size[64 + cell]);
        Assert.Equal(0f, t.Offset[cell]);
        Assert.Equal(0.5f, t.Offset[64 + cell]);
        Assert.Equal(1f, t.Mask.Sum());
    }

    [Fact]
    public void Targets_RegressionArea_CentreRectangleRegressesTheSameBoxWithWeightsSummingToOne()
    {
        // 40 × 24 px at stride 4: 10 × 6 cells, centre (12, 8.5) cells; β 0.54 gives 2 cells either side across, 1 down.
        var t = CenterNetTargets.Build([new ChipObject(new BoundingBox(28, 22, 68, 46), 0)], 1, 16, 16, 4, regressionArea: 0.54);
        var regressing = Enumerable.Range(0, 256).Where(c => t.Mask[c] > 0).ToList();
        Assert.Equal(5 * 3, regressing.Count);
        Assert.Equal(1.0, regressing.Sum(c => (double)t.Mask[c]), 5);
        int centre = 8 * 16 + 12;
        Assert.Equal(regressing.Max(c => t.Mask[c]), t.Mask[centre]);
        Assert.True(t.Mask[centre] > t.Mask[centre + 2] && t.Mask[centre] > t.Mask[centre + 16]);
        foreach (int c in regressing)
        {
            int x = c % 16, y = c / 16;
            Assert.InRange(x, 10, 14);
            Assert.InRange(y, 7, 9);
            Assert.Equal(10f, t.Size[c]);
            Assert.Equal(6f, t.Size[256 + c]);
            Assert.Equal(12.0, x + t.Offset[c], 5); // every cell points at the same centre
            Assert.Equal(8.5, y + t.Offset[256 + c], 5);
        }
        Assert.Equal(1f, t.Heatmap[centre]); // the heatmap is the same as without the area
        Assert.Equal(CenterNetTargets.Build([new ChipObject(new BoundingBox(28, 22, 68, 46), 0)], 1, 16, 16, 4).Heatmap, t.Heatmap);
    }

    [Fact]
    public void Targets_RegressionAreasMeet_TheSmallerObjectKeepsTheSharedCells()
    {
        var large = new ChipObject(new BoundingBox(0, 0, 48, 48), 0);   // 12 × 12 cells, centre (6, 6), cells 3..9
        var small = new ChipObject(new BoundingBox(28, 28, 40, 40), 0); // 3 × 3 cells, centre (8.5, 8.5): cell (8, 8) alone
        foreach (var objects in new[] { new[] { large, small }, new[] { small, large } })
        {
            var t = CenterNetTargets.Build(objects, 1, 16, 16, 4, regressionArea: 0.5);
            int shared = 8 * 16 + 8;
            Assert.Equal(3f, t.Size[shared]);
            Assert.Equal(1f, t.Mask[shared]);
            Assert.Equal(12f, t.Size[7 * 16 + 7]);
        }
    }

    [Fact]
    public void Targets_RegressionAreaOutsideZeroToOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CenterNetTargets.Build([new ChipObject(new BoundingBox(0, 0, 8, 8), 0)], 1, 4, 4, 4, regressionArea: 1.5));

    [Fact]
    public void Decode_HandMadeOutput_FindsBothPeaksWithBoxes()
    {
        using var scope = NewDisposeScope();
        // 2 classes, 8×8 cells, stride 4: class 0 peak at (x=2,y=3), class 1 peak at (x=6,y=5) with a weaker neighbour.
        var output = full(new long[] { 1, 6, 8, 8 }, -10f);
        output[0, 0, 3, 2] = tensor(3f);
        output[0, 1, 5, 6] = tensor(2f);
        output[0, 1, 5, 5] = tensor(1f);
        output[0, 2, 3, 2] = tensor(2f); output[0, 3, 3, 2] = tensor(4f);
        output[0, 4, 3, 2] = tensor(0.5f); output[0, 5, 3, 2] = tensor(0.25f);
        output[0, 2, 5, 6] = tensor(1f); output[0, 3, 5, 6] = tensor(1f);
        output[0, 4, 5, 6] = tensor(0.5f); output[0, 5, 5, 6] = tensor(0.5f);

        var detections = PeakDecoder.Decode(output, classCount: 2, stride: 4, topK: 10, minScore: 0.3)[0];

        Assert.Equal(2, detections.Count);
        Assert.Equal(0, detections[0].ClassIndex);
        Assert.Equal(1 / (1 + Math.Exp(-3)), detections[0].Score, 5);
        Assert.Equal(new BoundingBox(6, 5, 14, 21), detections[0].Box);
        Assert.Equal(1, detections[1].ClassIndex);
        Assert.Equal(new BoundingBox(24, 20, 28, 24), detections[1].Box);
    }
    [Fact]
    public void Decode_BatchOfTwo_ReadsEachImagesOwnSizeAndOffset()
    {
        using var scope = NewDisposeScope();
        // The same cell peaks in both images with different regressions: each detection reads its own image's.
        var output = full(new long[] { 2, 5, 8, 8 }, -10f);
        for (int b = 0; b < 2; b++)
        {
            output[b, 0, 4, 1] = tensor(3f);
            output[b, 1, 4, 1] = tensor(2f + 2 * b); output[b, 2, 4, 1] = tensor(1f + b);
            output[b, 3, 4, 1] = tensor(0.25f * b); output[b, 4, 4, 1] = tensor(0.5f);
        }
        output[1, 0, 7, 7] = tensor(1f); // a second, weaker peak in the second image only, at the last cell
        output[1, 1, 7, 7] = tensor(1f); output[1, 2, 7, 7] = tensor(1f);
        output[1, 3, 7, 7] = tensor(0f); output[1, 4, 7, 7] = tensor(0f);

        var detections = PeakDecoder.Decode(output, classCount: 1, stride: 4, topK: 3, minScore: 0.3);

        Assert.Equal(new BoundingBox(0, 16, 8, 20), Assert.Single(detections[0]).Box);
        Assert.Equal(2, detections[1].Count);
        Assert.Equal(new BoundingBox(-3, 14, 13, 22), detections[1][0].Box);
        Assert.Equal(new BoundingBox(26, 26, 30, 30), detections[1][1].Box);
    }
}
