using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// Reads and writes the GeoTIFF georeference: ModelPixelScaleTag (33550) + ModelTiepointTag (33922)
/// for north-up images, ModelTransformationTag (34264) for rotated ones, and the EPSG code in the
/// GeoKeyDirectoryTag (34735).
/// </summary>
internal static class GeoTiffTags
{
    private const TiffTag PixelScale = TiffTag.GEOTIFF_MODELPIXELSCALETAG;
    private const TiffTag Tiepoint = TiffTag.GEOTIFF_MODELTIEPOINTTAG;
    private const TiffTag Transformation = TiffTag.GEOTIFF_MODELTRANSFORMATIONTAG;
    private const TiffTag GeoKeyDirectory = TiffTag.GEOTIFF_GEOKEYDIRECTORYTAG;

    private const ushort ModelTypeGeoKey = 1024;
    private const ushort RasterTypeGeoKey = 1025;
    private const ushort GeographicTypeGeoKey = 2048;
    private const ushort ProjectedCsTypeGeoKey = 3072;
    private const ushort ModelTypeProjected = 1;
    private const ushort ModelTypeGeographic = 2;
    private const ushort RasterPixelIsArea = 1;
    private const ushort UserDefined = 32767;

    public static readonly TiffFieldInfo[] FieldInfo =
    [
        new(PixelScale, TiffFieldInfo.Variable, TiffFieldInfo.Variable, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelPixelScaleTag"),
        new(Tiepoint, TiffFieldInfo.Variable, TiffFieldInfo.Variable, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelTiepointTag"),
        new(Transformation, TiffFieldInfo.Variable, TiffFieldInfo.Variable, TiffType.DOUBLE, FieldBit.Custom, true, true, "ModelTransformationTag"),
        new(GeoKeyDirectory, TiffFieldInfo.Variable, TiffFieldInfo.Variable, TiffType.SHORT, FieldBit.Custom, true, true, "GeoKeyDirectoryTag"),
    ];

    public static GeoReference? Read(Tiff tif)
    {
        double[]? transform = null;
        var matrix = ReadDoubles(tif, Transformation);
        var scale = ReadDoubles(tif, PixelScale);
        var tie = ReadDoubles(tif, Tiepoint);
        if (matrix is { Length: >= 16 })
            transform = [matrix[3], matrix[0], matrix[1], matrix[7], matrix[4], matrix[5]];
        else if (scale is { Length: >= 2 } && tie is { Length: >= 6 })
            // The tie point maps raster (I, J) to model (X, Y); model Y grows northwards while rows grow southwards.
            transform = [tie[3] - tie[0] * scale[0], scale[0], 0, tie[4] + tie[1] * scale[1], 0, -scale[1]];

        int? epsg = ReadEpsg(tif);
        return transform is null && epsg is null ? null : new GeoReference(transform ?? [0, 1, 0, 0, 0, 1], epsg);
    }

    public static void Write(Tiff tif, GeoReference geo)
    {
        var t = geo.Transform;
        if (t.Length != 6)
            throw new AutoRetrainException($"a georeference transform has 6 numbers (GDAL order), got {t.Length}.");
        if (t[2] == 0 && t[4] == 0)
        {
            tif.SetField(PixelScale, 3, new[] { t[1], -t[5], 0.0 });
            tif.SetField(Tiepoint, 6, new[] { 0.0, 0.0, 0.0, t[0], t[3], 0.0 });
        }
        else
        {
            tif.SetField(Transformation, 16, new[]
            {
                t[1], t[2], 0, t[0],
                t[4], t[5], 0, t[3],
                0, 0, 0, 0,
                0, 0, 0, 1.0,
            });
        }
        if (geo.Epsg is int code) tif.SetField(GeoKeyDirectory, 16, GeoKeys(code));
    }

    /// <summary>
    /// Version header, then (key, location 0 = value inline, count 1, value) entries. EPSG codes
    /// 4000–4999 are geographic coordinate systems (4326 = WGS 84); the rest are projected (UTM, …).
    /// </summary>
    private static short[] GeoKeys(int epsg)
    {
        bool geographic = epsg is >= 4000 and < 5000;
        ushort[] keys =
        [
            1, 1, 0, 3,
            ModelTypeGeoKey, 0, 1, geographic ? ModelTypeGeographic : ModelTypeProjected,
            RasterTypeGeoKey, 0, 1, RasterPixelIsArea,
            geographic ? GeographicTypeGeoKey : ProjectedCsTypeGeoKey, 0, 1, checked((ushort)epsg),
        ];
        return Array.ConvertAll(keys, k => unchecked((short)k));
    }

    private static int? ReadEpsg(Tiff tif)
    {
        var field = tif.GetField(GeoKeyDirectory);
        if (field is null) return null;
        var keys = Array.ConvertAll(field[^1].ToShortArray() ?? [], k => unchecked((ushort)k));
        if (keys.Length < 4) return null;
        int? projected = null, geographic = null;
        for (int i = 0; i < keys[3] && 4 + 4 * i + 3 < keys.Length; i++)
        {
            int at = 4 + 4 * i;
            ushort id = keys[at], location = keys[at + 1], value = keys[at + 3];
            if (location != 0 || value == UserDefined) continue;
            if (id == ProjectedCsTypeGeoKey) projected = value;
            else if (id == GeographicTypeGeoKey) geographic = value;
        }
        return projected ?? geographic;
    }

    private static double[]? ReadDoubles(Tiff tif, TiffTag tag)
    {
        var field = tif.GetField(tag);
        return field is null ? null : field[^1].ToDoubleArray();
    }
}
