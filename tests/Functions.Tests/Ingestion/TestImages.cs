using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Functions.Tests.Ingestion;

internal static class TestImages
{
    /// <summary>A real PNG whose pixels (and so tile id) differ on every call.</summary>
    public static byte[] UniquePng(int width = 64, int height = 48)
    {
        var rgb = new byte[width * height * 3];
        Random.Shared.NextBytes(rgb);
        return ImageWriter.EncodePng(width, height, rgb);
    }

    public static byte[] Labels(string image, int width, int height, params (string Class, double[] Box)[] objects) =>
        System.Text.Encoding.UTF8.GetBytes(Json.Serialize(new LabelFile
        {
            Image = image,
            Width = width,
            Height = height,
            Objects = [.. objects.Select(o => new LabelObject { Class = o.Class, Box = o.Box })],
        }));
}
