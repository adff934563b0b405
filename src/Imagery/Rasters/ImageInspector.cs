using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>The ingestion port over <see cref="ImageReader"/>: PNG, JPEG and (Geo)TIFF, fully decoded once.</summary>
public sealed class ImageInspector : IImageInspector
{
    public static readonly ImageInspector Instance = new();

    public ImageFormat? Sniff(ReadOnlySpan<byte> content) => ImageReader.Sniff(content);

    public ImageInfo Inspect(ReadOnlyMemory<byte> content, string sourceName, ImageLimits limits) =>
        ImageReader.Decode(content, sourceName, limits).Info;
}
