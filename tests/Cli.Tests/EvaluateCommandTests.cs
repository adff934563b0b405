using System.Text.Json;
using AutoRetrain.Cli;

namespace AutoRetrain.Cli.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    // Two planes on image 1; detections: one exact hit (0.9) and one miss on image 2 (0.95).
    // COCO: miss first, then hit → rc [0, .5], pr [0, .5]; AP50 = 0.5 at recall points ≤ .5 (51 of 101).
    private const string GroundTruth = """
        {"images": [{"id": 1}, {"id": 2}], "categories": [{"id": 4, "name": "plane"}, {"id": 9, "name": "ship"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 4, "bbox": [0, 0, 10, 10]},
                         {"id": 2, "image_id": 1, "category_id": 4, "bbox": [50, 50, 10, 10]}]}
        """;
    private const string Results = """
        [{"image_id": 1, "category_id": 4, "bbox": [0, 0, 10, 10], "score": 0.9},
         {"image_id": 2, "category_id": 4, "bbox": [0, 0, 10, 10], "score": 0.95}]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("autoretrain-cli-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            return (await CliApp.RunAsync(args), output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public async Task Evaluate_CocoJson_PrintsTheTwelveNumbersAndPerClassAP()
    {
        var (exit, output) = await Run("evaluate", "--gt", Write("gt.json", GroundTruth), "--dets", Write("dt.json", Results), "--json");

        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        foreach (var key in new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl" })
            Assert.True(json.TryGetProperty(key, out _), key);
        Assert.Equal(51 * 0.5 / 101, json.GetProperty("AP50").GetDouble(), 1e-12);
        Assert.Equal(0.5, json.GetProperty("AR100").GetDouble());
        Assert.Equal(-1, json.GetProperty("APl").GetDouble());
        Assert.Equal(json.GetProperty("AP").GetDouble(), json.GetProperty("perClass").GetProperty("plane").GetDouble());
        Assert.Equal(-1, json.GetProperty("perClass").GetProperty("ship").GetDouble());
    }

    [Fact]
    public async Task Evaluate_CocoTable_PrintsPycocotoolsLines()
    {
        var (exit, output) = await Run("evaluate", "--gt", Write("gt.json", GroundTruth), "--dets", Write("dt.json", Results));

        Assert.Equal(0, exit);
        Assert.Contains(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.252", output);
        Assert.Contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000", output);
    }

    [Fact]
    public async Task Evaluate_Voc11Json_PrintsMeanAPAndPerClass()
    {
        // VOC: miss (0.95), hit (0.9) on 2 planes → recall 0, .5; precision 0, .5.
        // 11-point: levels 0 … .5 → .5, levels .6 … 1 → 0 → 6 × .5 / 11.
        var (exit, output) = await Run("evaluate", "--gt", Write("gt.json", GroundTruth), "--dets", Write("dt.json", Results), "--metric", "voc11", "--json");

        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(6 * 0.5 / 11, json.GetProperty("mAP").GetDouble(), 1e-12);
        Assert.Equal(-1, json.GetProperty("perClass").GetProperty("ship").GetDouble());
    }

    [Fact]
    public async Task Evaluate_DetectionOnUnknownImage_ExitCodeTwo()
    {
        var dets = Write("dt.json", """[{"image_id": 3, "category_id": 4, "bbox": [0, 0, 1, 1], "score": 1}]""");

        var (exit, output) = await Run("evaluate", "--gt", Write("gt.json", GroundTruth), "--dets", dets);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Evaluate_IouWithCocoMetric_ExitCodeOne()
    {
        var (exit, _) = await Run("evaluate", "--gt", Write("gt.json", GroundTruth), "--dets", Write("dt.json", Results), "--iou", "0.7");

        Assert.Equal(1, exit);
    }
}
