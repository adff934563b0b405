using AutoRetrain.Core;
using AutoRetrain.Imagery.Formats;

namespace AutoRetrain.Imagery.Tests.Formats;

/// <summary>Malformed sources and hostile target folders: never a silent empty label, never a write through a link.</summary>
public class HostileImportTests : IDisposable
{
    private readonly ImportFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Run_YoloFileWithNoValidLine_ProblemNoSidecarImageUnlabelled()
    {
        _f.Png("images/a.png", 20, 20);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "7 0.5 0.5 0.2 0.2\n0 x 0.5 0.2 0.2\n0 0.5\n");

        var report = LabelImporter.Run(ImportFormat.Yolo, _f.Source, _f.Into);

        Assert.True(_f.Imported("a.png"));
        Assert.False(_f.Imported("a.labels.json"));
        Assert.Contains(report.Problems, p => p.Message.Contains("none of its 3 object lines is valid"));
    }

    [Fact]
    public void Run_YoloEmptyLabelFile_StillConfirmedBackground()
    {
        _f.Png("images/a.png", 20, 20);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "\n");

        LabelImporter.Run(ImportFormat.Yolo, _f.Source, _f.Into);

        Assert.Empty(_f.Sidecar("a.png").Objects);
    }

    [Fact]
    public void Run_DotaFileWithOnlyHeaderAndInvalidLines_ProblemNoSidecar()
    {
        _f.Png("images/P1.png", 20, 20);
        _f.Text("labelTxt/P1.txt", "imagesource:GoogleEarth\ngsd:0.5\n1 1 9 1 9 q 1 9 plane 0\n1 1 9 1 plane\n");

        var report = LabelImporter.Run(ImportFormat.Dota, _f.Source, _f.Into);

        Assert.True(_f.Imported("P1.png"));
        Assert.False(_f.Imported("P1.labels.json"));
        Assert.Contains(report.Problems, p => p.Message.Contains("none of its 2 object lines is valid"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"images": {}, "annotations": [], "categories": []}""")]
    [InlineData("""{"images": [], "annotations": 5, "categories": []}""")]
    [InlineData("""{"images": [], "annotations": [], "categories": "car"}""")]
    [InlineData("""{"annotations": [], "categories": []}""")]
    public void Run_CocoWithoutItsArrays_ErrorNothingWritten(string json)
    {
        _f.Text("coco.json", json);

        var ex = Assert.Throws<AutoRetrainException>(() => LabelImporter.Run(ImportFormat.Coco, Path.Combine(_f.Source, "coco.json"), _f.Into));

        Assert.Contains("nothing was imported", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(_f.Into) && Directory.EnumerateFileSystemEntries(_f.Into).Any());
    }

    [Fact]
    public void Run_IntoHoldsLinksNamedLikeTheOutput_RefusedLinkTargetsUntouched()
    {
        _f.Png("images/a.png", 20, 20);
        _f.Png("images/b.png", 20, 20);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "0 0.5 0.5 0.2 0.2\n");
        _f.Text("labels/b.txt", "0 0.5 0.5 0.2 0.2\n");
        string victim = Path.Combine(_f.Root, "victim.txt"), victimSidecar = Path.Combine(_f.Root, "victim.json");
        File.WriteAllText(victim, "precious");
        File.WriteAllText(victimSidecar, "precious too");
        Directory.CreateDirectory(_f.Into);
        File.CreateSymbolicLink(Path.Combine(_f.Into, "a.png"), victim);
        File.CreateSymbolicLink(Path.Combine(_f.Into, "b.labels.json"), victimSidecar);

        var report = LabelImporter.Run(ImportFormat.Yolo, _f.Source, _f.Into);

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("precious too", File.ReadAllText(victimSidecar));
        Assert.Equal(2, report.Problems.Count(p => p.Message.Contains("symbolic link")));
        Assert.False(_f.Imported("a.labels.json"));
        Assert.NotNull(new FileInfo(Path.Combine(_f.Into, "b.labels.json")).LinkTarget);
    }

    [Fact]
    public void Run_IntoHoldsAnOrdinaryOlderFile_Replaced()
    {
        _f.Png("images/a.png", 20, 20);
        _f.Text("classes.txt", "car\n");
        _f.Text("labels/a.txt", "0 0.5 0.5 0.2 0.2\n");
        Directory.CreateDirectory(_f.Into);
        File.WriteAllText(Path.Combine(_f.Into, "a.labels.json"), "old");

        LabelImporter.Run(ImportFormat.Yolo, _f.Source, _f.Into);

        Assert.Single(_f.Sidecar("a.png").Objects);
        Assert.DoesNotContain(Directory.EnumerateFiles(_f.Into), p => p.EndsWith(".partial"));
    }

    [Fact]
    public void ImportProblem_ControlCharactersInNames_EscapedForTheConsole()
    {
        var problem = new ImportProblem("labels/\u001b[31mred.txt", "line 1", "class \"a\u0007b\" unknown");

        Assert.Equal("labels/\\u001b[31mred.txt, line 1: class \"a\\u0007b\" unknown", problem.ToString());
    }
}
