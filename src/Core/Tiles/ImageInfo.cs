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

    /// <summary>Metres of ground a pixel covers, when the georeference says (<see cref="GeoReference.GroundSampleMetres"/>).</summary>
    public double? GroundSampleMetres => Geo?.GroundSampleMetres(Width, Height);
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

    /// <summary>
    /// Ground sample distance in metres: the side of the square of ground one pixel covers (the square root of the
    /// transform's pixel area, so a rotated or slightly non-square pixel counts once). Known only with an EPSG code and a
    /// transform: a projected system's units are taken as metres (feet-based state planes would be misread), a
    /// geographic one's (EPSG 4000–4999) degrees are converted at the image centre's latitude on a sphere of the
    /// Earth's mean radius (within 0.5 % of the ellipsoid). Null without them.
    /// </summary>
    public double? GroundSampleMetres(int width, int height)
    {
        if (Epsg is null || Transform.Length != 6 || Transform is [0, 1, 0, 0, 0, 1]) return null;
        double area = Math.Abs(Transform[1] * Transform[5] - Transform[2] * Transform[4]);
        if (!double.IsFinite(area) || area <= 0) return null;
        if (Epsg is >= 4000 and < 5000)
        {
            double latitude = PixelToModel(width / 2.0, height / 2.0).Y;
            if (Math.Abs(latitude) > 90) return null;
            area *= MetresPerDegreeLatitude * MetresPerDegreeLatitude * Math.Cos(latitude * Math.PI / 180);
        }
        return Math.Sqrt(area);
    }

    /// <summary>Metres per degree of a great circle on a sphere of 6,371 km (a degree of longitude: this times the latitude's cosine).</summary>
    private const double MetresPerDegreeLatitude = 111_195;
}
