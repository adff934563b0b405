using AutoRetrain.Core;
using AutoRetrain.Imagery.Chips;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Chips;

public class BoxNmsTests
{
    private static ScoredBox D(string cls, double x, double score) => new(cls, new BoundingBox(x, 0, x + 10, 10), score);

    [Fact]
    public void Apply_OverlappingSameClass_KeepsHighestScore()
    {
        var kept = BoxNms.Apply([D("car", 0, 0.6), D("car", 1, 0.9), D("car", 2, 0.7)], 0.5);
        Assert.Equal(D("car", 1, 0.9), Assert.Single(kept));
    }

    [Fact]
    public void Apply_DifferentClassesSameBox_NotSuppressed()
    {
        var kept = BoxNms.Apply([D("car", 0, 0.9), D("truck", 0, 0.8)], 0.5);
        Assert.Equal(2, kept.Count);
    }

    [Fact]
    public void Apply_EqualScores_FirstInInputOrderWins()
    {
        var first = D("car", 0, 0.8);
        var second = D("car", 1, 0.8);
        Assert.Equal(first, Assert.Single(BoxNms.Apply([first, second], 0.5)));
        Assert.Equal(second, Assert.Single(BoxNms.Apply([second, first], 0.5)));
    }

    [Fact]
    public void Apply_IoUEqualToThreshold_Kept()
    {
        // IoU of [0,10] and [5,15] (height 10) is 50 / 150 = 1/3.
        var a = D("car", 0, 0.9);
        var b = D("car", 5, 0.8);
        Assert.Equal(2, BoxNms.Apply([a, b], 1.0 / 3).Count);
        Assert.Single(BoxNms.Apply([a, b], 0.33));
    }

    [Fact]
    public void Apply_SuppressedBoxDoesNotSuppressOthers()
    {
        // b overlaps a and c; a suppresses b; c does not overlap a, so c survives.
        var a = D("car", 0, 0.9);
        var b = D("car", 3, 0.8);
        var c = D("car", 7, 0.7);
        Assert.Equal([a, c], BoxNms.Apply([c, b, a], 0.4));
    }

    [Fact]
    public void Apply_SameObjectSeenByTwoChips_MergedInScene()
    {
        var chips = ChipGrid.For(600, 256, 256, 64);
        var (left, right) = (chips[0], chips[1]);
        var sceneObject = new BoundingBox(200, 100, 240, 130);

        var fromLeft = new ScoredBox("plane", left.ToScene(left.ToChip(sceneObject)), 0.9);
        var fromRight = new ScoredBox("plane", right.ToScene(right.ToChip(sceneObject).Translate(0.5, 0)), 0.8);

        Assert.Equal(fromLeft, Assert.Single(BoxNms.Apply([fromRight, fromLeft], 0.5)));
    }

    [Fact]
    public void Apply_ThresholdOutOfRange_Throws() =>
        Assert.Throws<AutoRetrainException>(() => BoxNms.Apply([], 1.5));

    [Fact]
    public void Apply_OtherDetectionTypeWithClassIndex_SameRule()
    {
        var detections = new[] { (Cls: 2, Box: new BoundingBox(0, 0, 10, 10), Score: 0.5), (Cls: 2, Box: new BoundingBox(1, 0, 11, 10), Score: 0.7), (Cls: 3, Box: new BoundingBox(0, 0, 10, 10), Score: 0.6) };

        var kept = BoxNms.Apply(detections, d => d.Cls, d => d.Box, d => d.Score, 0.5);

        Assert.Equal([0.7, 0.6], kept.Select(d => d.Score));
    }
}
