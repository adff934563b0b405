using AutoRetrain.Core;
using AutoRetrain.Imagery.Chips;

namespace AutoRetrain.Imagery.Tests.Chips;

public class ChipGridTests
{
    [Theory]
    [InlineData(1000, 700, 256, 32)]
    [InlineData(512, 512, 256, 0)]
    [InlineData(257, 900, 256, 64)]
    [InlineData(3000, 2999, 512, 100)]
    public void For_LargeScene_CoversEveryPixelWithFullSizeChipsInside(int width, int height, int size, int overlap)
    {
        var chips = ChipGrid.For(width, height, size, overlap);

        var covered = new bool[width, height];
        foreach (var c in chips)
        {
            Assert.Equal(size, c.Width);
            Assert.Equal(size, c.Height);
            Assert.InRange(c.X, 0, width - size);
            Assert.InRange(c.Y, 0, height - size);
            for (int x = c.X; x < c.X + c.Width; x++)
                for (int y = c.Y; y < c.Y + c.Height; y++)
                    covered[x, y] = true;
        }
        Assert.All(covered.Cast<bool>(), Assert.True);
    }

    [Fact]
    public void For_Overlap_NeighboursShareAtLeastTheOverlap()
    {
        var chips = ChipGrid.For(1000, 300, 256, 40);
        var firstRow = chips.Where(c => c.Row == 0).OrderBy(c => c.Column).ToList();

        Assert.Equal([0, 216, 432, 648, 744], firstRow.Select(c => c.X));
        for (int i = 1; i < firstRow.Count; i++)
            Assert.True(firstRow[i - 1].X + 256 - firstRow[i].X >= 40);
    }

    [Fact]
    public void For_SceneExactlyChipSize_OneChip()
    {
        var chip = Assert.Single(ChipGrid.For(256, 256, 256, 32));
        Assert.Equal(new Chip(0, 0, 0, 0, 256, 256), chip);
    }

    [Fact]
    public void For_SceneSmallerThanChip_OneChipOfTheSceneSize()
    {
        var chip = Assert.Single(ChipGrid.For(100, 60, 256, 32));
        Assert.Equal((0, 0, 100, 60), (chip.X, chip.Y, chip.Width, chip.Height));
    }

    [Fact]
    public void For_NarrowButTallScene_OneColumnOfSceneWidth()
    {
        var chips = ChipGrid.For(100, 600, 256, 0);
        Assert.All(chips, c => Assert.Equal((0, 100, 256), (c.X, c.Width, c.Height)));
        Assert.Equal([0, 256, 344], chips.Select(c => c.Y));
    }

    [Theory]
    [InlineData(0, 10, 256, 0)]
    [InlineData(10, 10, 0, 0)]
    [InlineData(10, 10, 256, 256)]
    [InlineData(10, 10, 256, -1)]
    public void For_InvalidArguments_Throws(int width, int height, int size, int overlap) =>
        Assert.Throws<AutoRetrainException>(() => ChipGrid.For(width, height, size, overlap));
}
