using AutoRetrain.Core;
using AutoRetrain.Imagery.Formats;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Formats;

public class YoloImportTests : IDisposable
{
    private readonly ImportFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ImportReport Import() => LabelImporter.Run(ImportFormat.Yolo, _f.Source, _f.Into);

    [Fact]
    public void Run_UltralyticsLayout_DenormalisesToPixelBoxes()
    {
        _f.Png("images/train/a.png", 200, 100);
        _f.Text("classes.txt", "car\nplane\n");
        _f.Text("labels/train/a.txt", "1 0.5 0.5 0.2 0.4\n0 0.1 0.9 0.1 0.2\n");

        var report = Import();

        var labels = _f.Sidecar("a.png");
        Assert.Equal((200, 100), (labels.Width!.Value, labels.Height!.Value));
        Assert.Equal(["plane", "car"], labels.Objects.Select(o => o.Class));
        Assert.Equal([80, 30, 120, 70], labels.Objects[0].Box);
        Assert.Equal([10, 80, 30, 100], labels.Objects[1].Box.Select(v => Math.Round(v, 9)));
        Assert.Equal("yolo:labels/train/a.txt", labels.Source);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Run_PixelBoxesNormalisedThenImported_RoundTripWithinRounding()
    {
        var (width, height) = (317, 211);
        _f.Png("images/a.png", width, height);
        _f.Text("classes.txt", "ship\n");
        var boxes = new[] { new BoundingBox(0, 0, 317, 211), new BoundingBox(12.5, 33, 40.25, 90), new BoundingBox(300, 200, 317, 211) };
        _f.Text("labels/a.txt", string.Join("\n", boxes.Select(b => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"0 {b.CenterX / width:R} {b.CenterY / height:R} {b.Width / width:R} {b.Height / height:R}"))));

        Import();

        var imported = _f.Sidecar("a.png").Objects.Select(o => o.Bounds).ToList();
        Assert.Equal(boxes.Length, imported.Count);
        for (int i = 0; i < boxes.Length; i++)
            Assert.All(boxes[i].ToArray().Zip(imported[i].ToArray()), p => Assert.Equal(p.First, p.Second, 1e-9));
    }

    [Fact]
    public void Run_DataYamlNamesAndLabelsNextToImages_Imported()
    {
        _f.Png("a.png", 100, 100);
        _f.Text("data.yaml", "path: .\nnames:\n  0: small car  # comment\n  1: 'ship'\nnc: 2\n");
        _f.Text("a.txt", "1 0.5 0.5 0.5 0.5\n");

        Import();

        Assert.Equal("ship", Assert.Single(_f.Sidecar("a.png").Objects).Class);
    }

    [Theory]
    [InlineData("names: [car, 'small plane', \"ship\"]")]
    [InlineData("names:\n  - car\n  - small plane\n  - ship\ntrain: images/train")]
    [InlineData("names:\n  0: car\n  1: small plane\n  2: ship")]
    [InlineData("names: {0: car, 1: small plane, 2: ship}")]
    [InlineData("path: ../datasets/x  # root\nnames: {2: ship, 0: car, 1: 'small plane'}\nnc: 3\ndownload: |\n  echo names: [a, b]\n")]
    [InlineData("names: [car, small plane, ship]  # three")]
    public void ParseYamlNames_ListAndMapForms_SameNames(string yaml) =>
        Assert.Equal(["car", "small plane", "ship"], YoloClassList.ParseYamlNames(yaml, "data.yaml"));

    [Theory]
    [InlineData("names: {0: car, 2: ship}", "without gaps")]
    [InlineData("names: {car: 0}", "must be integers")]
    [InlineData("names: car", "must be a list or a map")]
    [InlineData("nc: 2", "no \"names:\" entry")]
    [InlineData("names: [car, [a, b]]", "non-empty text")]
    [InlineData("names: {0: car", "not valid YAML")]
    public void ParseYamlNames_Malformed_SaysWhat(string yaml, string message) =>
        Assert.Contains(message, Assert.Throws<AutoRetrainException>(() => YoloClassList.ParseYamlNames(yaml, "data.yaml")).Message);

    [Fact]
    public void Run_MalformedLines_ReportedWithLineNumbersOthersKept()
    {
        _f.Png("images/a.png", 100, 100);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "0 0.5 0.5 0.2 0.2\n3 0.5 0.5 0.2 0.2\n0 0.5 abc 0.2 0.2\n0 0.5 0.5\n\n0 0.1 0.1 0.1 0.1\n");

        var report = Import();

        Assert.Equal(2, _f.Sidecar("a.png").Objects.Count);
        Assert.Equal(["line 2", "line 3", "line 4"], report.Problems.Select(p => p.Where));
        Assert.All(report.Problems, p => Assert.Equal("labels/a.txt", p.File));
    }

    [Fact]
    public void Run_SegmentationLine_PolygonKeptBoxEncloses()
    {
        _f.Png("images/a.png", 100, 50);
        _f.Text("classes.txt", "field\n");
        _f.Text("labels/a.txt", "0 0.1 0.2 0.5 0.2 0.3 0.6\n");

        Import();

        var o = Assert.Single(_f.Sidecar("a.png").Objects);
        Assert.Equal([10, 10, 50, 30], o.Box.Select(v => Math.Round(v, 9)));
        Assert.Equal(3, o.Polygon!.Length);
    }

    [Fact]
    public void Run_BoxOutsideByRoundingOnly_Clipped_FurtherOutside_LeftForQuarantine()
    {
        _f.Png("images/a.png", 100, 100);
        _f.Text("classes.txt", "car\n");
        // First box reaches 0.5 px past each edge; second reaches 10 px past the right edge.
        _f.Text("labels/a.txt", "0 0.5 0.5 1.01 1.01\n0 0.9 0.5 0.4 0.2\n");

        Import();

        var labels = _f.Sidecar("a.png");
        Assert.Equal([0, 0, 100, 100], labels.Objects[0].Box);
        Assert.Equal(110, labels.Objects[1].Box[2], 1e-9);
        Assert.Equal(ProblemCode.OutOfBounds, Assert.Single(new LabelValidator().Validate(labels, 100, 100)).Code);
    }

    [Fact]
    public void Run_ImageWithoutLabelFile_BackgroundAndOrphanLabelReported()
    {
        _f.Png("images/empty.png", 40, 40);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/ghost.txt", "0 0.5 0.5 0.1 0.1\n");

        var report = Import();

        Assert.Empty(_f.Sidecar("empty.png").Objects);
        var problem = Assert.Single(report.Problems);
        Assert.Equal("labels/ghost.txt", problem.File);
        Assert.Contains("without an image", problem.Message);
    }

    [Fact]
    public void Run_NoClassList_ThrowsSayingWhatToAdd()
    {
        _f.Png("images/a.png", 10, 10);
        var ex = Assert.Throws<AutoRetrainException>(Import);
        Assert.Contains("classes.txt", ex.Message);
    }

    [Fact]
    public void Run_SameStemInOtherFoldersOrExtensions_LaterOnesReportedNotOverwritten()
    {
        _f.Png("images/train/a.png", 20, 20);
        _f.Png("images/val/a.png", 30, 30);
        _f.Png("images/val/b/a.jpg", 40, 40);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/train/a.txt", "0 0.5 0.5 0.5 0.5\n");

        var report = Import();

        Assert.Equal(20, _f.Sidecar("a.png").Width);
        Assert.Equal(1, report.ImagesCopied);
        Assert.Equal(2, report.Problems.Count);
        Assert.All(report.Problems, p => Assert.Contains("\"train/a.png\"", p.Message));
    }

    [Fact]
    public void Run_ImagesFolderWithoutLabelsFolder_ReportedAllBackground()
    {
        _f.Png("images/a.png", 20, 20);
        _f.Text("classes.txt", "car\n");

        var report = Import();

        Assert.Empty(_f.Sidecar("a.png").Objects);
        Assert.Contains("no labels/ folder", Assert.Single(report.Problems).Message);
    }

    [Fact]
    public void Run_UnreadableImage_NormalisedObjectsCannotBeScaled_Reported()
    {
        _f.Text("images/a.png", "");
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "0 0.5 0.5 0.2 0.2\n");

        var report = Import();

        Assert.True(_f.Imported("a.png"));
        Assert.Empty(_f.Sidecar("a.png").Objects);
        Assert.Equal([null, "line 1"], report.Problems.Select(p => p.Where));
        Assert.StartsWith("EmptyFile", report.Problems[0].Message);
    }
}
