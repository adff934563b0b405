using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Decoding;
using AutoRetrain.Detector.Inference;

namespace AutoRetrain.Detector.Tests;

public class StitchingTests
{
    [Fact]
    public void Stitch_SameObjectSeenByTwoOverlappingChips_KeepsOneInSceneCoordinates()
    {
        // Chips of 64 at x=0 and x=48: a box at scene x 50..62 is at 50..62 in the first chip and 2..14 in the second.
        var left = new ChipDetections(0, 0, [new Detection(0, 0.9, new BoundingBox(50, 30, 62, 42))]);
        var right = new ChipDetections(48, 0, [new Detection(0, 0.7, new BoundingBox(2, 30, 14, 42)), new Detection(1, 0.6, new BoundingBox(2, 30, 14, 42))]);

        var stitched = ScenePredictor.Stitch([left, right], 112, 64, nmsIoU: 0.5);

        Assert.Equal(2, stitched.Count);
        Assert.Equal(new Detection(0, 0.9, new BoundingBox(50, 30, 62, 42)), stitched[0]);
        Assert.Equal(new Detection(1, 0.6, new BoundingBox(50, 30, 62, 42)), stitched[1]);
    }

    [Fact]
    public void Stitch_BoxCrossingSceneEdge_IsClippedAndEmptyBoxesDropped()
    {
        var chip = new ChipDetections(32, 32, [new Detection(0, 0.8, new BoundingBox(20, 20, 40, 40)), new Detection(0, 0.5, new BoundingBox(40, 40, 50, 50))]);

        var stitched = ScenePredictor.Stitch([chip], 64, 64, nmsIoU: 0.5);

        Assert.Equal([new Detection(0, 0.8, new BoundingBox(52, 52, 64, 64))], stitched);
    }
}
