using AutoRetrain.Core;
using AutoRetrain.Imagery.Formats;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Formats;

public class CocoImportTests : IDisposable
{
    private readonly ImportFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ImportReport Import(string annotations, string images = """[{"id": 1, "file_name": "a.png", "width": 64, "height": 48}]""")
    {
        _f.Text("instances.json", $$"""
            {
              "images": {{images}},
              "categories": [{"id": 3, "name": "car"}, {"id": 7, "name": "plane"}],
              "annotations": {{annotations}}
            }
            """);
        return LabelImporter.Run(ImportFormat.Coco, Path.Combine(_f.Source, "instances.json"), _f.Into);
    }

    [Fact]
    public void Run_Annotations_XywhBecomesCornersWithCategoryNames()
    {
        _f.Png("a.png", 64, 48);
        var report = Import("""
            [{"id": 10, "image_id": 1, "category_id": 3, "bbox": [4, 5, 10, 20], "iscrowd": 0},
             {"id": 11, "image_id": 1, "category_id": 7, "bbox": [30.5, 1, 8, 8],
              "segmentation": [[30.5, 1, 38.5, 1, 38.5, 9]]}]
            """);

        var labels = _f.Sidecar("a.png");
        Assert.Equal(("a.png", 64, 48, "coco:instances.json"), (labels.Image, labels.Width!.Value, labels.Height!.Value, labels.Source));
        Assert.Equal(["car", "plane"], labels.Objects.Select(o => o.Class));
        Assert.Equal([4, 5, 14, 25], labels.Objects[0].Box);
        Assert.Null(labels.Objects[0].Polygon);
        Assert.Equal([30.5, 1, 38.5, 9], labels.Objects[1].Box);
        Assert.Equal(3, labels.Objects[1].Polygon!.Length);
        Assert.True(_f.Imported("a.png"));
        Assert.Empty(report.Problems);
        Assert.Equal(1, report.ObjectsPerClass["car"]);
        Assert.Empty(new LabelValidator().Validate(labels, 64, 48));
    }

    [Fact]
    public void Run_CrowdAnnotation_SkippedAndCounted()
    {
        _f.Png("a.png", 64, 48);
        var report = Import("""
            [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10], "iscrowd": 1,
              "segmentation": {"counts": [1, 2], "size": [48, 64]}},
             {"id": 2, "image_id": 1, "category_id": 3, "bbox": [1, 1, 5, 5], "iscrowd": 0}]
            """);

        Assert.Single(_f.Sidecar("a.png").Objects);
        Assert.Equal(1, Assert.Single(report.SkippedObjects).Value);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Run_MalformedAnnotations_ReportedByIdAndImportContinues()
    {
        _f.Png("a.png", 64, 48);
        var report = Import("""
            [{"id": 21, "image_id": 1, "category_id": 99, "bbox": [0, 0, 1, 1]},
             {"id": 22, "image_id": 1, "category_id": 3, "bbox": [0, 0, "x", 1]},
             {"id": 23, "image_id": 5, "category_id": 3, "bbox": [0, 0, 1, 1]},
             {"id": 24, "image_id": 1, "category_id": 3, "bbox": [2, 2, 3, 3]}]
            """);

        Assert.Equal([2, 2, 5, 5], Assert.Single(_f.Sidecar("a.png").Objects).Box);
        Assert.Equal(["annotation id 21", "annotation id 22", "annotation id 23"], report.Problems.Select(p => p.Where));
        Assert.All(report.Problems, p => Assert.Equal("instances.json", p.File));
        Assert.Contains("category_id", report.Problems[0].Message);
        Assert.Contains("bbox", report.Problems[1].Message);
        Assert.Contains("image_id 5", report.Problems[2].Message);
    }

    [Fact]
    public void Run_ReferencedImageMissing_ReportedOthersImported()
    {
        _f.Png("a.png", 64, 48);
        var report = Import("[]", """[{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "gone.png"}]""");

        Assert.True(_f.Imported("a.png"));
        Assert.Empty(_f.Sidecar("a.png").Objects);
        Assert.Equal(1, report.ImagesCopied);
        Assert.Contains("gone.png", Assert.Single(report.Problems).Message);
        Assert.Contains("missing", report.Problems[0].Message);
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData("sub/../../outside.png")]
    [InlineData("/tmp/outside.png")]
    [InlineData("bad\u0001name.png")]
    public void Run_UnsafeFileName_RefusedAndNothingWrittenOutside(string name)
    {
        _f.Png("a.png", 64, 48);
        File.Copy(Path.Combine(_f.Source, "a.png"), Path.Combine(_f.Root, "outside.png"));
        var escaped = System.Text.Json.JsonEncodedText.Encode(name).ToString();

        var report = Import("[]", $$"""[{"id": 1, "file_name": "{{escaped}}"}, {"id": 2, "file_name": "a.png"}]""");

        Assert.Contains("refused", Assert.Single(report.Problems).Message);
        Assert.Equal(["a.labels.json", "a.png"], Directory.GetFiles(_f.Into).Select(Path.GetFileName).Order());
        Assert.Equal(["incoming", "outside.png", "source"], Directory.GetFileSystemEntries(_f.Root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Run_DeclaredSizeDiffersFromImage_Reported()
    {
        _f.Png("a.png", 60, 48);
        var report = Import("[]");
        Assert.Contains("64×48", Assert.Single(report.Problems).Message);
        Assert.Equal(60, _f.Sidecar("a.png").Width);
    }

    [Fact]
    public void Run_ImagesInImagesSubfolder_FoundWithoutOption()
    {
        _f.Png("images/a.png", 64, 48);
        var report = Import("[]");
        Assert.Empty(report.Problems);
        Assert.True(_f.Imported("a.png"));
    }

    [Fact]
    public void Run_MalformedJson_ThrowsNamingTheFile()
    {
        _f.Text("instances.json", "{ \"images\": [ ");
        var ex = Assert.Throws<AutoRetrainException>(() =>
            LabelImporter.Run(ImportFormat.Coco, Path.Combine(_f.Source, "instances.json"), _f.Into));
        Assert.Contains("instances.json", ex.Message);
    }

    [Fact]
    public void Run_AnnotationsBeforeCategoriesAndImages_StillResolved()
    {
        _f.Png("a.png", 64, 48);
        var json = """
            {"info": {"year": 2017, "nested": [1, {"a": [2]}]},
             "annotations": [{"id": 1, "image_id": 9, "category_id": 7, "bbox": [1, 2, 3, 4]}],
             "categories": [{"id": 7, "name": "plane"}],
             "images": [{"id": 9, "file_name": "a.png"}]}
            """;
        File.WriteAllBytes(Path.Combine(_f.Source, "instances.json"), [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(json)]);

        var report = LabelImporter.Run(ImportFormat.Coco, Path.Combine(_f.Source, "instances.json"), _f.Into);

        Assert.Equal("plane", Assert.Single(_f.Sidecar("a.png").Objects).Class);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Run_NoAnnotationsArray_ReportedImagesImportedUnlabelled()
    {
        _f.Png("a.png", 64, 48);
        _f.Text("instances.json", """{"images": [{"id": 1, "file_name": "a.png"}], "categories": []}""");

        var report = LabelImporter.Run(ImportFormat.Coco, Path.Combine(_f.Source, "instances.json"), _f.Into);

        Assert.Contains("\"annotations\"", Assert.Single(report.Problems).Message);
        Assert.True(_f.Imported("a.png"));
        Assert.False(_f.Imported("a.labels.json")); // unlabelled, not a confirmed background
    }
}
