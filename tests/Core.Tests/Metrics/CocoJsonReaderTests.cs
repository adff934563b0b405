using AutoRetrain.Core.Metrics;

namespace AutoRetrain.Core.Tests.Metrics;

public sealed class CocoJsonReaderTests : IDisposable
{
    private const string GroundTruth = """
        {"images": [{"id": 9}, {"id": 2}],
         "categories": [{"id": 5, "name": "ship"}, {"id": 1, "name": "plane"}],
         "annotations": [
           {"id": 1, "image_id": 9, "category_id": 5, "bbox": [10, 20, 30, 40]},
           {"id": 2, "image_id": 2, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 55.5, "iscrowd": 1}]}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-json-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReadGroundTruth_SortsImagesAndCategoriesById_AndFillsDefaults()
    {
        var data = CocoJsonReader.ReadGroundTruth(Write("gt.json", GroundTruth));
        Assert.Equal([2L, 9L], data.ImageIds);
        Assert.Equal(["plane", "ship"], data.Categories);
        var ship = Assert.Single(data.Images[1].Objects);
        Assert.Equal(1, ship.Category);
        Assert.Equal(new Labels.BoundingBox(10, 20, 40, 60), ship.Box);
        Assert.Equal(30 * 40, ship.Area); // area missing → w * h
        Assert.False(ship.IsCrowd);       // iscrowd missing → 0
        var plane = Assert.Single(data.Images[0].Objects);
        Assert.Equal(55.5, plane.Area);
        Assert.True(plane.IsCrowd);
    }

    [Fact]
    public void ReadResults_MapsIdsToIndices_InFileOrder()
    {
        var data = CocoJsonReader.ReadGroundTruth(Write("gt.json", GroundTruth));
        var dets = CocoJsonReader.ReadResults(Write("dt.json", """
            [{"image_id": 9, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},
             {"image_id": 2, "category_id": 5, "bbox": [0, 0, 1, 1], "score": 1e-3}]
            """), data);
        Assert.Equal(new Detection(1, 0, new Labels.BoundingBox(1, 2, 4, 6), 0.5), dets[0]);
        Assert.Equal(new Detection(0, 1, new Labels.BoundingBox(0, 0, 1, 1), 1e-3), dets[1]);
    }

    [Fact]
    public void ReadBoxes_AreaIsWTimesHFromTheFile_NotFromTheCorners()
    {
        // (236.6 + 32) - 236.6 = 31.999999999999996 in doubles: corners would give area 1023.99…,
        // moving the box out of the medium range that pycocotools (w * h = 1024) puts it in.
        Assert.NotEqual(32.0, (236.6 + 32) - 236.6);
        var data = CocoJsonReader.ReadGroundTruth(Write("gt.json", """
            {"images": [{"id": 1}], "categories": [{"id": 1, "name": "plane"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [236.6, 113.8, 32, 32]}]}
            """));
        var gt = Assert.Single(data.Images[0].Objects);
        Assert.Equal(1024, gt.Area);
        Assert.Equal(1024, gt.BoxArea);
        var det = Assert.Single(CocoJsonReader.ReadResults(Write("dt.json", """
            [{"image_id": 1, "category_id": 1, "bbox": [236.6, 113.8, 32, 32], "score": 1}]
            """), data));
        Assert.Equal(1024, det.BoxArea);
    }

    [Fact]
    public void ReadResults_EmptyList_GivesNoDetections()
    {
        var data = CocoJsonReader.ReadGroundTruth(Write("gt.json", GroundTruth));
        Assert.Empty(CocoJsonReader.ReadResults(Write("dt.json", "[]"), data));
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("{\"images\": [", "malformed JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"images\": [], \"categories\": []}", "\"annotations\" is missing")]
    [InlineData("{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}], \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1]}]}", "annotations[0].bbox: must be [x, y, w, h]")]
    [InlineData("{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}], \"annotations\": [{\"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]}", "annotations[0].image_id: 3 is not a known image")]
    [InlineData("{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1}], \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1e999, 1]}]}", "is not a finite number")]
    [InlineData("{\"images\": [{\"id\": 1}, {\"id\": 1}], \"categories\": [], \"annotations\": []}", "image id 1 appears twice")]
    [InlineData("{\"images\": [{\"id\": 1.5}], \"categories\": [], \"annotations\": []}", "must be an integer id")]
    public void ReadGroundTruth_BadFile_NamesTheFileAndTheProblem(string text, string expected)
    {
        string path = Write("gt.json", text);
        var ex = Assert.Throws<AutoRetrainException>(() => CocoJsonReader.ReadGroundTruth(path));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("{}", "must be a JSON list")]
    [InlineData("[{\"image_id\": 7, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]", "[0].image_id: 7 is not a known image")]
    [InlineData("[{\"image_id\": 2, \"category_id\": 4, \"bbox\": [0, 0, 1, 1], \"score\": 1}]", "[0].category_id: 4 is not a known category")]
    [InlineData("[{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]", "\"score\" is missing")]
    [InlineData("[{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": NaN}]", "malformed JSON")]
    [InlineData("[{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": \"high\"}]", "[0].score: must be a JSON number")]
    [InlineData("[{\"image_id\": 2, \"category_id\": 1, \"bbox\": [0, 0, -1, 1], \"score\": 1}]", "must not be negative")]
    public void ReadResults_BadFile_NamesTheFileAndTheProblem(string text, string expected)
    {
        var data = CocoJsonReader.ReadGroundTruth(Write("gt.json", GroundTruth));
        string path = Write("dt.json", text);
        var ex = Assert.Throws<AutoRetrainException>(() => CocoJsonReader.ReadResults(path, data));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ReadGroundTruth_MissingFile_SaysNotFound()
    {
        string path = Path.Combine(_dir, "absent.json");
        var ex = Assert.Throws<AutoRetrainException>(() => CocoJsonReader.ReadGroundTruth(path));
        Assert.Equal($"{path}: file not found.", ex.Message);
    }
}
