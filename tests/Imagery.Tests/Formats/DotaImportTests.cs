using AutoRetrain.Core;
using AutoRetrain.Imagery.Formats;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Formats;

public class DotaImportTests : IDisposable
{
    private readonly ImportFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ImportReport Import() => LabelImporter.Run(ImportFormat.Dota, _f.Source, _f.Into);

    [Fact]
    public void Run_HeaderAndObjects_EnclosingBoxPolygonAndDifficultKept()
    {
        _f.Png("images/P0001.png", 120, 100);
        _f.Text("labelTxt/P0001.txt", """
            imagesource:GoogleEarth
            gsd:0.146343590398
            10 20 40 10 50 40 20 50 plane 0
            60 60 80 60 80 70 60 70 small-vehicle 1
            """);

        var report = Import();

        var labels = _f.Sidecar("P0001.png");
        Assert.Equal("dota:labelTxt/P0001.txt imagesource=GoogleEarth gsd=0.146343590398", labels.Source);
        Assert.Equal(["plane", "small-vehicle"], labels.Objects.Select(o => o.Class));
        Assert.Equal([10, 10, 50, 50], labels.Objects[0].Box);
        Assert.Equal([[10, 20], [40, 10], [50, 40], [20, 50]], labels.Objects[0].Polygon!);
        Assert.Equal([false, true], labels.Objects.Select(o => o.Difficult!.Value));
        Assert.Empty(report.Problems);
        Assert.Empty(new LabelValidator().Validate(labels, 120, 100));
    }

    [Fact]
    public void Run_MalformedLines_ReportedWithLineNumbers()
    {
        _f.Png("images/P2.png", 100, 100);
        _f.Text("labelTxt/P2.txt", "gsd:null\n1 2 3 4 5 6 7 plane 0\n1 2 3 4 5 6 7 x plane 0\n1 1 9 1 9 9 1 9 plane 2\n1 1 9 1 9 9 1 9 ship 0\n");

        var report = Import();

        Assert.Equal("ship", Assert.Single(_f.Sidecar("P2.png").Objects).Class);
        Assert.Equal(["line 2", "line 3", "line 4"], report.Problems.Select(p => p.Where));
        Assert.All(report.Problems, p => Assert.Equal("labelTxt/P2.txt", p.File));
        Assert.Contains("difficult", report.Problems[2].Message);
    }

    [Fact]
    public void Run_LabelWithoutImage_Reported_ImageWithoutLabel_ImportedUnlabelled()
    {
        _f.Png("images/lonely.png", 30, 30);
        _f.Text("labelTxt/ghost.txt", "1 1 9 1 9 9 1 9 plane 0\n");

        var report = Import();

        Assert.True(_f.Imported("lonely.png"));
        Assert.False(_f.Imported(LabelFile.SidecarNameFor("lonely.png")));
        Assert.Equal((1, 0), (report.ImagesCopied, report.SidecarsWritten));
        Assert.Equal("labelTxt/ghost.txt", Assert.Single(report.Problems).File);
    }

    [Fact]
    public void Run_PolygonReachingPastEdgeBySubPixel_BoxSnappedPolygonKept()
    {
        _f.Png("images/P3.png", 100, 100);
        _f.Text("labelTxt/P3.txt", "-0.4 10 50 10 50 100.6 -0.4 100.6 harbor 0\n");

        Import();

        var o = Assert.Single(_f.Sidecar("P3.png").Objects);
        Assert.Equal([0, 10, 50, 100], o.Box);
        Assert.Equal(-0.4, o.Polygon![0][0]);
    }

    [Fact]
    public void Run_NoLabelTxtFolder_ThrowsNamingTheLayout()
    {
        _f.Png("images/P1.png", 10, 10);
        Assert.Contains("labelTxt", Assert.Throws<AutoRetrainException>(Import).Message);
    }
}
