using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Imagery.Tests.Rasters;

/// <summary>Rasters with a pattern that differs per pixel and band, so a swapped band or row shows up.</summary>
internal static class TestRasters
{
    public static RasterImage Pattern(int width, int height, int bands, int bits, GeoReference? geo = null)
    {
        var samples = new ushort[width * height * bands];
        int max = bits == 8 ? 255 : 65535;
        for (int y = 0, i = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int b = 0; b < bands; b++, i++)
                    samples[i] = (ushort)((x * 7 + y * 13 + b * 61 + x * y * (b + 1)) * (bits == 8 ? 1 : 251) % (max + 1));
        return new RasterImage(new ImageInfo(ImageFormat.Tiff, width, height, bands, bits, geo), samples);
    }

    public static byte[] Rgb8Pattern(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0, i = 0; y < height; y++)
            for (int x = 0; x < width; x++, i += 3)
            {
                rgb[i] = (byte)(x * 4);
                rgb[i + 1] = (byte)(y * 4);
                rgb[i + 2] = (byte)((x + y) * 2);
            }
        return rgb;
    }
}
