using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Synthetic;

/// <summary>One generated tile: interleaved 8-bit RGB pixels, its labels and its (synthetic) georeference.</summary>
public sealed record GeneratedTile(int Index, string Name, int Width, int Height, byte[] Rgb8, LabelFile Labels, GeoReference Geo, Season Season)
{
    public RasterImage ToRaster() => RasterImage.FromRgb8(Width, Height, Rgb8, ImageFormat.Tiff, Geo);
}
