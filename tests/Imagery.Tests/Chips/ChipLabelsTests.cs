using AutoRetrain.Core;
using AutoRetrain.Imagery.Chips;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Chips;

public class ChipLabelsTests
{
    private static readonly Chip Chip = new(0, 1, 100, 50, 200, 200);

    private static LabelFile Scene(params LabelObject[] objects) =>
        new() { Image = "scene.png", Width = 1000, Height = 1000, Objects = objects };

    [Fact]
    public void Clip_ObjectInside_MovedToChipCoordinates()
    {
        var kept = ChipLabels.Clip(Scene(LabelObject.Of("car", new(110, 60, 130, 70))), Chip, 0.5);
        Assert.Equal([10, 10, 30, 20], Assert.Single(kept).Box);
    }

    [Theory]
    [InlineData(0.5, true)]   // exactly half visible: kept at the boundary
    [InlineData(0.5001, false)]
    [InlineData(0.0, true)]
    public void Clip_HalfVisibleObject_KeptByFraction(double fraction, bool expectKept)
    {
        // 20 px wide, 10 of them left of the chip's left edge at x = 100.
        var kept = ChipLabels.Clip(Scene(LabelObject.Of("car", new(90, 60, 110, 70))), Chip, fraction);
        Assert.Equal(expectKept, kept.Count == 1);
        if (expectKept) Assert.Equal([0, 10, 10, 20], kept[0].Box);
    }

    [Fact]
    public void Clip_ObjectOnlyTouchingTheEdge_Dropped()
    {
        var kept = ChipLabels.Clip(Scene(LabelObject.Of("car", new(80, 60, 100, 70))), Chip, 0);
        Assert.Empty(kept);
    }

    [Fact]
    public void Clip_PolygonAcrossEdge_ClippedToChip()
    {
        var diamond = new List<PointD> { new(100, 90), new(110, 100), new(100, 110), new(90, 100) };
        var o = LabelObject.Of("ship", BoundingBox.Enclosing(diamond), diamond, difficult: true);

        var kept = Assert.Single(ChipLabels.Clip(Scene(o), Chip, 0.4));

        Assert.Equal([0, 40, 10, 60], kept.Box);
        Assert.True(kept.Difficult);
        Assert.NotNull(kept.Polygon);
        Assert.All(kept.Polygon, p => Assert.InRange(p[0], 0, 10));
        Assert.Contains(kept.Polygon, p => p[0] == 10 && p[1] == 50);
    }

    [Fact]
    public void Clip_KeptBoxMappedBack_EqualsVisiblePartInScene()
    {
        var sceneBox = new BoundingBox(250, 230, 330, 270);
        var kept = Assert.Single(ChipLabels.Clip(Scene(LabelObject.Of("plane", sceneBox)), Chip, 0.1));
        Assert.Equal(sceneBox.Intersect(Chip.Window), Chip.ToScene(kept.Bounds));
    }

    [Fact]
    public void ToScene_ChipToSceneRoundTrip_Identity()
    {
        foreach (var chip in ChipGrid.For(900, 700, 256, 30))
        {
            var inChip = new BoundingBox(12.5, 3.25, 100, 200.75);
            Assert.Equal(inChip, chip.ToChip(chip.ToScene(inChip)));
            Assert.Equal(new BoundingBox(chip.X + 12.5, chip.Y + 3.25, chip.X + 100, chip.Y + 200.75), chip.ToScene(inChip));
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Clip_FractionOutsideZeroOne_Throws(double fraction) =>
        Assert.Throws<AutoRetrainException>(() => ChipLabels.Clip(Scene(), Chip, fraction));
}
