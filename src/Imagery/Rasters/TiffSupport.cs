using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>
/// Process-wide LibTiff set-up, done once: errors go to per-file logs instead of the console, and
/// the GeoTIFF tags are registered so LibTiff can write them (it reads unknown tags, but refuses
/// to write a tag it has no field description for).
/// </summary>
internal static class TiffSupport
{
    private static readonly Tiff.TiffExtendProc? ParentExtender;

    static TiffSupport()
    {
        Tiff.SetErrorHandler(new TiffLogRouter());
        ParentExtender = Tiff.SetTagExtender(RegisterGeoTiffTags);
    }

    public static Tiff? Open(Stream stream, string name, string mode, TiffErrorLog log) =>
        Tiff.ClientOpen(name, mode, log, new OwnedStreamTiffStream(stream));

    private static void RegisterGeoTiffTags(Tiff tif)
    {
        tif.MergeFieldInfo(GeoTiffTags.FieldInfo, GeoTiffTags.FieldInfo.Length);
        ParentExtender?.Invoke(tif);
    }
}
