using AutoRetrain.Core.Tiles;
namespace AutoRetrain.Imagery.Rasters;

/// <summary>Recognises an image format from its first bytes (the file extension is not trusted).</summary>
internal static class ImageMagic
{
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> TiffLittleEndian => [0x49, 0x49, 0x2A, 0x00];
    private static ReadOnlySpan<byte> TiffBigEndian => [0x4D, 0x4D, 0x00, 0x2A];
    private static ReadOnlySpan<byte> BigTiffLittleEndian => [0x49, 0x49, 0x2B, 0x00];
    private static ReadOnlySpan<byte> BigTiffBigEndian => [0x4D, 0x4D, 0x00, 0x2B];

    public static ImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Png)) return ImageFormat.Png;
        if (bytes.StartsWith(Jpeg)) return ImageFormat.Jpeg;
        if (bytes.StartsWith(TiffLittleEndian) || bytes.StartsWith(TiffBigEndian)
            || bytes.StartsWith(BigTiffLittleEndian) || bytes.StartsWith(BigTiffBigEndian))
            return ImageFormat.Tiff;
        return null;
    }
}
