using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>Compression of a written TIFF. Deflate and LZW use the horizontal predictor, as GDAL does.</summary>
public enum TiffCompressionKind { None, Deflate, Lzw }

/// <summary>Writes a raster as (Geo)TIFF with LibTiff.NET, in strips or 256×256 tiles.</summary>
internal static class TiffImageEncoder
{
    public const int TileSize = 256;
    private const int TargetStripBytes = 64 * 1024;

    public static byte[] Encode(RasterImage image, GeoReference? geo, bool tiled, TiffCompressionKind compression)
    {
        var log = new TiffErrorLog();
        using var stream = new MemoryStream();
        using (var tif = TiffSupport.Open(stream, "generated.tif", "w", log)
                         ?? throw new AutoRetrainException($"LibTiff could not start a TIFF in memory ({log.Summary()})."))
        {
            WriteTags(tif, image, geo, tiled, compression);
            int bytesPerSample = image.BitsPerSample / 8;
            if (tiled) WriteTiles(tif, image, bytesPerSample, log);
            else WriteStrips(tif, image, bytesPerSample, log);
            if (!tif.WriteDirectory())
                throw new AutoRetrainException($"LibTiff could not write the TIFF directory ({log.Summary()}).");
        }
        return stream.ToArray();
    }

    private static void WriteTags(Tiff tif, RasterImage image, GeoReference? geo, bool tiled, TiffCompressionKind compression)
    {
        tif.SetField(TiffTag.IMAGEWIDTH, image.Width);
        tif.SetField(TiffTag.IMAGELENGTH, image.Height);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, image.Bands);
        tif.SetField(TiffTag.BITSPERSAMPLE, image.BitsPerSample);
        tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.UINT);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.PHOTOMETRIC, image.Bands == 1 ? Photometric.MINISBLACK : Photometric.RGB);
        if (image.Bands == 4)
            tif.SetField(TiffTag.EXTRASAMPLES, 1, new[] { (short)ExtraSample.UNASSALPHA });
        tif.SetField(TiffTag.COMPRESSION, compression switch
        {
            TiffCompressionKind.Deflate => Compression.ADOBE_DEFLATE,
            TiffCompressionKind.Lzw => Compression.LZW,
            _ => Compression.NONE,
        });
        if (compression != TiffCompressionKind.None)
            tif.SetField(TiffTag.PREDICTOR, Predictor.HORIZONTAL);
        if (tiled)
        {
            tif.SetField(TiffTag.TILEWIDTH, TileSize);
            tif.SetField(TiffTag.TILELENGTH, TileSize);
        }
        else
        {
            tif.SetField(TiffTag.ROWSPERSTRIP, RowsPerStrip(image));
        }
        if (geo is not null) GeoTiffTags.Write(tif, geo);
    }

    private static int RowsPerStrip(RasterImage image) =>
        Math.Clamp(TargetStripBytes / (image.Width * image.Bands * (image.BitsPerSample / 8)), 1, image.Height);

    private static void WriteStrips(Tiff tif, RasterImage image, int bytesPerSample, TiffErrorLog log)
    {
        int rowsPerStrip = RowsPerStrip(image);
        int rowSamples = image.Width * image.Bands;
        for (int strip = 0, row = 0; row < image.Height; strip++, row += rowsPerStrip)
        {
            int rows = Math.Min(rowsPerStrip, image.Height - row);
            var bytes = ToBytes(image.Samples.AsSpan(row * rowSamples, rows * rowSamples), bytesPerSample);
            if (tif.WriteEncodedStrip(strip, bytes, bytes.Length) < 0)
                throw new AutoRetrainException($"LibTiff could not write strip {strip} ({log.Summary()}).");
        }
    }

    private static void WriteTiles(Tiff tif, RasterImage image, int bytesPerSample, TiffErrorLog log)
    {
        int tileRowSamples = TileSize * image.Bands;
        var tile = new ushort[tileRowSamples * TileSize];
        for (int y = 0; y < image.Height; y += TileSize)
            for (int x = 0; x < image.Width; x += TileSize)
            {
                Array.Clear(tile);
                int rows = Math.Min(TileSize, image.Height - y);
                int columns = Math.Min(TileSize, image.Width - x) * image.Bands;
                for (int r = 0; r < rows; r++)
                    image.Samples.AsSpan(((y + r) * image.Width + x) * image.Bands, columns).CopyTo(tile.AsSpan(r * tileRowSamples));
                var bytes = ToBytes(tile, bytesPerSample);
                int index = tif.ComputeTile(x, y, 0, 0);
                if (tif.WriteEncodedTile(index, bytes, bytes.Length) < 0)
                    throw new AutoRetrainException($"LibTiff could not write tile {index} ({log.Summary()}).");
            }
    }

    private static byte[] ToBytes(ReadOnlySpan<ushort> samples, int bytesPerSample)
    {
        if (bytesPerSample == 2) return MemoryMarshal.AsBytes(samples).ToArray();
        var bytes = new byte[samples.Length];
        for (int i = 0; i < samples.Length; i++) bytes[i] = (byte)samples[i];
        return bytes;
    }
}
