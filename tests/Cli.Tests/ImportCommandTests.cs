using AutoRetrain.Cli;
using AutoRetrain.Core;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Cli.Tests;

public sealed class ImportCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("autoretrain-cli-import-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relativePath, string? text = null, (int W, int H)? png = null)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (png is var (w, h))
            File.WriteAllBytes(path, ImageWriter.EncodePng(w, h, new byte[w * h * 3]));
        else File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_DotaFolder_WritesSidecarsAndProblemsFile()
    {
        Write("dota/images/P1.png", png: (50, 40));
        Write("dota/labelTxt/P1.txt", "gsd:0.3\n1 1 9 1 9 9 1 9 plane 0\n1 1 9 1 9 q 1 9 plane 0\n");
        var into = Path.Combine(_root, "incoming");
        var problems = Path.Combine(_root, "problems.jsonl");

        var exit = await CliApp.RunAsync(["import", "--format", "dota", Path.Combine(_root, "dota"), "--into", into, "--problems", problems]);

        Assert.Equal(0, exit);
        var labels = Json.Deserialize<LabelFile>(File.ReadAllText(Path.Combine(into, "P1.labels.json")), "P1.labels.json");
        Assert.Equal((50, 40, "plane"), (labels.Width!.Value, labels.Height!.Value, Assert.Single(labels.Objects).Class));
        Assert.Contains("line 3", Assert.Single(File.ReadAllLines(problems)));
    }

    [Fact]
    public async Task Import_YoloWithoutClassList_ExitCodeTwoNoOutput()
    {
        Write("yolo/images/a.png", png: (10, 10));
        var into = Path.Combine(_root, "incoming");

        var exit = await CliApp.RunAsync(["import", "--format", "yolo", Path.Combine(_root, "yolo"), "--into", into]);

        Assert.Equal(2, exit);
        Assert.False(Directory.Exists(into));
    }

    [Fact]
    public async Task Import_NothingImportable_ExitCodeOne()
    {
        Write("coco/instances.json", """{"images": [{"id": 1, "file_name": "../../x.png"}], "categories": [], "annotations": []}""");

        var exit = await CliApp.RunAsync(["import", "--format", "coco", Path.Combine(_root, "coco", "instances.json"), "--into", Path.Combine(_root, "in")]);

        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task Import_UnknownFormat_NonZeroExit()
    {
        var exit = await CliApp.RunAsync(["import", "--format", "pascal", _root, "--into", Path.Combine(_root, "in")]);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task Import_WithoutInto_WritesIntoTheWorkspaceIncomingFolder()
    {
        Write("dota/images/P1.png", png: (20, 20));
        Write("dota/labelTxt/P1.txt", "1 1 9 1 9 9 1 9 ship 1\n");
        var workdir = Path.Combine(_root, "work");

        var exit = await CliApp.RunAsync(["import", "--format", "dota", Path.Combine(_root, "dota"), "--workdir", workdir]);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(workdir, "incoming", "P1.labels.json")));
    }
}
