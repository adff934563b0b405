namespace AutoRetrain.Core.Tiles;

public enum ImageFormat { Png, Jpeg, Tiff }

/// <summary>What is known of an image without its pixels.</summary>
public sealed record ImageInfo(
    ImageFormat Format,
    int Width,
    int Height,
    int Bands,
    int BitsPerSample,
    GeoReference? Geo = null)
{
    public long PixelCount => (long)Width * Height;
}

/// <summary>
/// Georeference read from GeoTIFF tags when present: the model tie point and pixel scale
/// (ModelTiepointTag 33922, ModelPixelScaleTag 33550), or a full ModelTransformationTag (34264),
/// and the EPSG code from the GeoKey directory (34735) when it names one.
/// </summary>
public sealed record GeoReference(
    double[] Transform,
    int? Epsg)
{
    /// <summary>Affine transform pixel → model: x' = T0 + T1·col + T2·row, y' = T3 + T4·col + T5·row (GDAL order).</summary>
    public (double X, double Y) PixelToModel(double col, double row) =>
        (Transform[0] + Transform[1] * col + Transform[2] * row,
         Transform[3] + Transform[4] * col + Transform[5] * row);
}
