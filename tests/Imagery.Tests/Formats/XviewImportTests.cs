using AutoRetrain.Imagery.Formats;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Imagery.Tests.Formats;

public class XviewImportTests : IDisposable
{
    private readonly ImportFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Feature(object imageId, object typeId, string bounds, int featureId) => $$"""
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[-66.6, 18.4], [-66.6, 18.5], [-66.5, 18.4]]]},
         "properties": {"bounds_imcoords": "{{bounds}}", "type_id": {{typeId}}, "image_id": {{imageId}}, "feature_id": {{featureId}} } }
        """;

    private ImportReport Import(params string[] features)
    {
        _f.Text("xView_train.geojson", $$"""{"type": "FeatureCollection", "features": [{{string.Join(",", features)}}]}""");
        return LabelImporter.Run(ImportFormat.Xview, Path.Combine(_f.Source, "xView_train.geojson"), _f.Into);
    }

    [Fact]
    public void Run_Features_TypeIdsMappedToXviewNames()
    {
        _f.Png("train_images/104.png", 300, 200);
        _f.Png("train_images/105.png", 50, 50);

        var report = Import(
            Feature("\"104.png\"", 18, "10,20,30,40", 1),
            Feature("\"104.png\"", 11, "100,50,180,120", 2),
            Feature("\"105.png\"", 94, "0,0,50,50", 3));

        var a = _f.Sidecar("104.png");
        Assert.Equal(["Small Car", "Fixed-wing Aircraft"], a.Objects.Select(o => o.Class));
        Assert.Equal([10, 20, 30, 40], a.Objects[0].Box);
        Assert.Equal("Tower", Assert.Single(_f.Sidecar("105.png").Objects).Class);
        Assert.Equal("xview:xView_train.geojson", a.Source);
        Assert.Empty(report.Problems);
        Assert.Equal(3, report.Objects);
    }

    [Fact]
    public void XviewClasses_Map_HasTheSixtyOfficialIds()
    {
        Assert.Equal(60, XviewClasses.ById.Count);
        Assert.Equal(11, XviewClasses.ById.Keys.Min());
        Assert.Equal(94, XviewClasses.ById.Keys.Max());
        Assert.Equal("Shipping container lot", XviewClasses.ById[89]);
        Assert.Equal("Storage Tank", XviewClasses.ById[86]);
        Assert.DoesNotContain(75, XviewClasses.ById.Keys);
        Assert.DoesNotContain(82, XviewClasses.ById.Keys);
    }

    [Fact]
    public void Run_TypeIdOutsideTheSixty_SkippedAndCounted()
    {
        _f.Png("train_images/1.png", 100, 100);

        var report = Import(Feature("\"1.png\"", 75, "1,1,5,5", 1), Feature("\"1.png\"", 73, "1,1,5,5", 2));

        Assert.Equal("Building", Assert.Single(_f.Sidecar("1.png").Objects).Class);
        Assert.Equal(1, report.SkippedObjects["xView type_id 75 (not one of the 60 classes)"]);
    }

    [Fact]
    public void Run_MalformedFeatures_ReportedByFeature()
    {
        _f.Png("train_images/1.png", 100, 100);

        var report = Import(
            Feature("\"1.png\"", 18, "1,1,5", 7),
            Feature("\"1.png\"", "\"car\"", "1,1,5,5", 8),
            Feature("null", 18, "1,1,5,5", 9),
            Feature("\"1.png\"", 18, "2,2,6,6", 10));

        Assert.Single(_f.Sidecar("1.png").Objects);
        Assert.Equal(["feature 0 (feature_id 7)", "feature 1 (feature_id 8)", "feature 2 (feature_id 9)"], report.Problems.Select(p => p.Where));
    }

    [Fact]
    public void Run_TraversalImageId_RefusedMissingImageReported()
    {
        _f.Png("train_images/1.png", 100, 100);

        var report = Import(
            Feature("\"../../etc/x.png\"", 18, "1,1,5,5", 1),
            Feature("\"404.png\"", 18, "1,1,5,5", 2),
            Feature("\"1.png\"", 18, "1,1,5,5", 3));

        Assert.Equal(2, report.Problems.Count);
        Assert.Contains("refused", report.Problems[0].Message);
        Assert.Contains("404.png", report.Problems[1].Message);
        Assert.Equal(["1.labels.json", "1.png"], Directory.GetFiles(_f.Into).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Run_GeoTiffImage_SizeReadFromTiffHeader()
    {
        var raster = RasterImage.FromRgb8(90, 70, new byte[90 * 70 * 3], ImageFormat.Tiff);
        Directory.CreateDirectory(Path.Combine(_f.Source, "train_images"));
        File.WriteAllBytes(Path.Combine(_f.Source, "train_images", "1036.tif"), ImageWriter.EncodeGeoTiff(raster));

        var report = Import(Feature("\"1036.tif\"", 86, "5,5,20,20", 1));

        var labels = _f.Sidecar("1036.tif");
        Assert.Equal((90, 70), (labels.Width!.Value, labels.Height!.Value));
        Assert.Equal("Storage Tank", Assert.Single(labels.Objects).Class);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Run_UnreadableImage_CopiedWithoutSizeAndReported()
    {
        _f.Text("train_images/broken.png", "not an image");

        var report = Import(Feature("\"broken.png\"", 18, "1,1,5,5", 1));

        Assert.True(_f.Imported("broken.png"));
        var labels = _f.Sidecar("broken.png");
        Assert.Null(labels.Width);
        Assert.Single(labels.Objects);
        Assert.StartsWith("UnsupportedFormat", Assert.Single(report.Problems).Message);
    }
}
