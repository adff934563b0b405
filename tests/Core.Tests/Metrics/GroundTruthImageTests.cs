using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Metrics;

namespace AutoRetrain.Core.Tests.Metrics;

public class GroundTruthImageTests
{
    private static readonly Dictionary<string, int> Classes = new() { ["plane"] = 0, ["ship"] = 1 };

    [Fact]
    public void FromLabelFile_MapsClassNamesAndKeepsDifficult()
    {
        var labels = new LabelFile
        {
            Image = "t.png",
            Objects = [LabelObject.Of("ship", new BoundingBox(1, 2, 11, 7), difficult: true), LabelObject.Of("plane", new BoundingBox(0, 0, 4, 4))],
        };
        var image = GroundTruthImage.FromLabelFile(labels, Classes);
        Assert.Equal("t.png", image.Name);
        Assert.Equal(new GroundTruthObject(1, new BoundingBox(1, 2, 11, 7), 50, IsCrowd: false, IsDifficult: true), image.Objects[0]);
        Assert.Equal(0, image.Objects[1].Category);
        Assert.False(image.Objects[1].IsDifficult);
    }

    [Fact]
    public void FromLabelFile_UnknownClass_NamesImageAndClass()
    {
        var labels = new LabelFile { Image = "t.png", Objects = [LabelObject.Of("tank", new BoundingBox(0, 0, 4, 4))] };
        var ex = Assert.Throws<AutoRetrainException>(() => GroundTruthImage.FromLabelFile(labels, Classes));
        Assert.Contains("t.png", ex.Message);
        Assert.Contains("\"tank\"", ex.Message);
    }
}
