using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;

namespace AutoRetrain.Imagery.Tests.Rasters;

public class ImageRoundTripTests
{
    [Fact]
    public void EncodePng_DecodedAgain_GivesTheSamePixels()
    {
        var rgb = TestRasters.Rgb8Pattern(40, 30);
        var png = ImageWriter.EncodePng(40, 30, rgb);

        Assert.Equal(ImageFormat.Png, ImageReader.Sniff(png));
        var image = ImageReader.Decode(png, "a.png");
        Assert.Equal(new ImageInfo(ImageFormat.Png, 40, 30, 3, 8), image.Info);
        Assert.Equal(rgb, image.ToRgb8());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ImageWriter.FastPngLevel)]
    [InlineData(9)]
    public void EncodePng_AnyCompressionLevel_StaysLossless(int level)
    {
        var rgb = TestRasters.Rgb8Pattern(33, 17);

        Assert.Equal(rgb, ImageReader.Decode(ImageWriter.EncodePng(33, 17, rgb, level), "level.png").ToRgb8());
    }

    [Fact]
    public void EncodeJpeg_DecodedAgain_GivesClosePixels()
    {
        var rgb = TestRasters.Rgb8Pattern(64, 48);
        var jpeg = ImageWriter.EncodeJpeg(64, 48, rgb, quality: 95);

        Assert.Equal(ImageFormat.Jpeg, ImageReader.Sniff(jpeg));
        var info = ImageReader.ReadInfo(jpeg, "a.jpg");
        Assert.Equal((64, 48, 3, 8), (info.Width, info.Height, info.Bands, info.BitsPerSample));
        var decoded = ImageReader.Decode(jpeg, "a.jpg").ToRgb8();
        double meanError = rgb.Zip(decoded, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanError, 0, 4);
    }

    [Theory]
    [InlineData(1, 8, false, TiffCompressionKind.None)]
    [InlineData(3, 8, false, TiffCompressionKind.Deflate)]
    [InlineData(4, 8, true, TiffCompressionKind.Lzw)]
    [InlineData(1, 16, true, TiffCompressionKind.Deflate)]
    [InlineData(3, 16, false, TiffCompressionKind.Lzw)]
    [InlineData(4, 16, true, TiffCompressionKind.None)]
    public void EncodeGeoTiff_DecodedAgain_GivesTheSameSamples(int bands, int bits, bool tiled, TiffCompressionKind compression)
    {
        // 300×270 spans several strips and, when tiled, partial edge tiles.
        var image = TestRasters.Pattern(300, 270, bands, bits);
        var tiff = ImageWriter.EncodeGeoTiff(image, geo: null, tiled, compression);

        Assert.Equal(ImageFormat.Tiff, ImageReader.Sniff(tiff));
        var decoded = ImageReader.Decode(tiff, "a.tif");
        Assert.Equal(new ImageInfo(ImageFormat.Tiff, 300, 270, bands, bits), decoded.Info);
        Assert.Equal(image.Samples, decoded.Samples);
    }

    [Theory]
    [InlineData(false, 32633)]
    [InlineData(true, 4326)]
    public void EncodeGeoTiff_NorthUpGeoreference_ComesBackFromTheHeader(bool tiled, int epsg)
    {
        var geo = new GeoReference([500_000, 0.5, 0, 4_600_000, 0, -0.5], epsg);
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(64, 32, 3, 8), geo, tiled);

        var info = ImageReader.ReadInfo(tiff, "geo.tif");
        Assert.NotNull(info.Geo);
        Assert.Equal(geo.Transform, info.Geo!.Transform);
        Assert.Equal(epsg, info.Geo.Epsg);
        Assert.Equal((500_032.0, 4_599_984.0), info.Geo.PixelToModel(64, 32));
    }

    [Fact]
    public void EncodeGeoTiff_RotatedGeoreference_ComesBackThroughTheTransformationTag()
    {
        var geo = new GeoReference([1000, 0.8, 0.3, 2000, 0.3, -0.8], 32631);
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(16, 16, 1, 16), geo);

        var info = ImageReader.Decode(tiff, "rotated.tif").Info;
        Assert.Equal(geo.Transform, info.Geo!.Transform);
        Assert.Equal(32631, info.Geo.Epsg);
    }

    [Theory]
    [InlineData(32631, 0.5, 0, 0.5)]                         // UTM, north-up: the pixel size
    [InlineData(32631, 0.8, 0.3, 0.8544003745317532)]        // rotated: the square root of the pixel's area
    [InlineData(4326, 4.5e-6, 0, 0.41917651287229607)]       // degrees at 45.43° N: 4.5e-6 × 111,195 m × √cos(lat)
    public void GroundSampleMetres_FromTheGeoTiffHeader_IsTheGroundAPixelCovers(int epsg, double size, double skew, double expected)
    {
        var geo = epsg == 4326 ? new GeoReference([7.0, size, 0, 45.4305, 0, -size], epsg)
            : new GeoReference([500_000, size, skew, 4_600_000, skew, -size], epsg);
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(64, 64, 3, 8), geo);

        Assert.Equal(expected, ImageReader.ReadInfo(tiff, "geo.tif").GroundSampleMetres!.Value, 9);
    }

    [Fact]
    public void GroundSampleMetres_WithoutACoordinateSystem_IsUnknown()
    {
        Assert.Null(new ImageInfo(ImageFormat.Tiff, 64, 64, 3, 8, new GeoReference([500_000, 0.5, 0, 4_600_000, 0, -0.5], null)).GroundSampleMetres);
        Assert.Null(ImageReader.ReadInfo(ImageWriter.EncodeGeoTiff(TestRasters.Pattern(16, 16, 3, 8)), "plain.tif").GroundSampleMetres);
    }

    [Fact]
    public void EncodeGeoTiff_WithoutGeoreference_ReadsNoGeoreference()
    {
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(16, 16, 3, 8));

        Assert.Null(ImageReader.ReadInfo(tiff, "plain.tif").Geo);
    }

    [Fact]
    public void ToRgb8_SixteenBitBand_StretchesTheTwoToNinetyEightPercentRange()
    {
        // 100 samples 1000..1099: the 2nd percentile (rank floor(0.02·99) = 1) is 1001, the 98th (rank ceil(0.98·99) = 98) is 1098.
        var samples = Enumerable.Range(0, 100).Select(i => (ushort)(1000 + i)).ToArray();
        var image = new RasterImage(new ImageInfo(ImageFormat.Tiff, 10, 10, 1, 16), samples);

        var rgb = image.ToRgb8();

        Assert.Equal(0, rgb[0]);                 // 1000, below the low cut
        Assert.Equal(0, rgb[1 * 3]);             // 1001 itself
        Assert.Equal(255, rgb[98 * 3]);          // 1098 itself
        Assert.Equal(255, rgb[99 * 3]);          // above the high cut
        Assert.InRange(rgb[50 * 3], 120, 135);   // the middle maps to mid-grey
        Assert.Equal(rgb[50 * 3], rgb[50 * 3 + 1]);
    }

    [Fact]
    public void ToRgb8_FourBands_DropsTheFourthBand()
    {
        var image = new RasterImage(new ImageInfo(ImageFormat.Png, 1, 1, 4, 8), [10, 20, 30, 40]);

        Assert.Equal(new byte[] { 10, 20, 30 }, image.ToRgb8());
    }

    [Fact]
    public void Decode_SixteenBitGreyPng_KeepsEverySixteenBitSample()
    {
        // 7 rows: every PNG row filter at least once.
        var values = Enumerable.Range(0, 5 * 7).Select(i => (ushort)(i * 7919 % 65536)).ToArray();
        values[0] = 65535;
        var png = HandMadePng.Grey16(5, 7, values);

        var image = ImageReader.Decode(png, "grey16.png");

        Assert.Equal(new ImageInfo(ImageFormat.Png, 5, 7, 1, 16), image.Info);
        Assert.Equal(ImageReader.ReadInfo(png, "grey16.png"), image.Info);
        Assert.Equal(values, image.Samples);
    }

    [Fact]
    public void Decode_SixteenBitPngWithItsLastHalfRemoved_IsTruncated()
    {
        var values = Enumerable.Range(0, 64 * 64).Select(i => (ushort)(i * 37 % 65536)).ToArray();
        var png = HandMadePng.Grey16(64, 64, values);

        var error = Assert.Throws<ImageDecodeException>(() => ImageReader.Decode(png[..(png.Length / 2)], "half16.png"));
        Assert.Equal(AutoRetrain.Core.Labels.ProblemCode.TruncatedImage, error.Code);
    }

    public static TheoryData<string> EveryLayout() => ["png-rgb", "png-grey", "png-rgba", "jpeg", "png-grey16", "tiff-rgba16", "png-rgb-tall", "jpeg-tall"];

    [Theory]
    [MemberData(nameof(EveryLayout))]
    public void DecodeRgb8_AnyLayout_EqualsTheWholeDecodesRgb(string layout)
    {
        byte[] file = layout switch
        {
            "png-rgb" => ImageWriter.EncodePng(37, 23, TestRasters.Rgb8Pattern(37, 23)),
            "jpeg" => ImageWriter.EncodeJpeg(37, 23, TestRasters.Rgb8Pattern(37, 23)),
            // 1,200 × 1,000: 4.8 kB rows, decoded in bands of 218 rows, the last one partial.
            "png-rgb-tall" => ImageWriter.EncodePng(1200, 1000, TestRasters.Rgb8Pattern(1200, 1000)),
            "jpeg-tall" => ImageWriter.EncodeJpeg(1200, 1000, TestRasters.Rgb8Pattern(1200, 1000)),
            "png-grey16" => HandMadePng.Grey16(37, 23, Enumerable.Range(0, 37 * 23).Select(v => (ushort)(v * 61)).ToArray()),
            "tiff-rgba16" => ImageWriter.EncodeGeoTiff(TestRasters.Pattern(37, 23, 4, 16)),
            _ => SkiaPng(layout == "png-grey" ? SkiaSharp.SKColorType.Gray8 : SkiaSharp.SKColorType.Rgba8888, layout == "png-rgba"),
        };
        var whole = ImageReader.Decode(file, layout);

        var rgb = ImageReader.DecodeRgb8(file, layout, out var info);

        Assert.Equal(whole.Info, info);
        Assert.Equal(layout switch { "png-grey" or "png-grey16" => 1, "png-rgba" or "tiff-rgba16" => 4, _ => 3 }, info.Bands);
        Assert.Equal(3L * info.Width * info.Height, rgb.LongLength);
        // Into an array set aside for it (the decoded-scene cache's): the same bytes, in that array; a wrong size is refused.
        var into = new byte[rgb.Length];
        Array.Fill(into, (byte)77);
        Assert.Same(into, ImageReader.DecodeRgb8(file, layout, out _, into: into));
        Assert.Equal(rgb, into);
        var error = Assert.Throws<ImageDecodeException>(() => ImageReader.DecodeRgb8(file, layout, out _, into: new byte[rgb.Length - 3]));
        Assert.Contains(layout, error.Message);
        Assert.Equal(whole.ToRgb8(), rgb);
        // From the file (PNG and JPEG streamed to the codec, the others read whole): the same description and bytes.
        string path = Path.Combine(Directory.CreateTempSubdirectory("decode-file-").FullName, layout);
        try
        {
            File.WriteAllBytes(path, file);
            Assert.Equal(rgb, ImageReader.DecodeRgb8(path, out var fromFile));
            Assert.Equal(info, fromFile);
            Assert.Equal(rgb, ImageReader.DecodeRgb8(path, out _, into: new byte[rgb.Length]));
            Assert.Contains(path, Assert.Throws<ImageDecodeException>(() => ImageReader.DecodeRgb8(path, out _, into: new byte[3])).Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("scene.png")]
    [InlineData("scene.jpg")]
    [InlineData("scene.tif")]
    public void DecodeRgb8FromAFile_IntoAnArray_AllocatesNothingOfTheScenesSize(string name)
    {
        // 2,048 px: 12.6 MB of RGB, 16.8 MB of RGBA. Decoding into an array set aside (the decoded-scene cache's) must not
        // allocate a whole-image buffer or the file's bytes on the managed heap: every epoch decodes every scene again.
        const int side = 2048;
        var rgb = TestRasters.Rgb8Pattern(side, side);
        string path = Path.Combine(Directory.CreateTempSubdirectory("decode-alloc-").FullName, name);
        try
        {
            File.WriteAllBytes(path, name.EndsWith(".png") ? ImageWriter.EncodePng(side, side, rgb)
                : name.EndsWith(".jpg") ? ImageWriter.EncodeJpeg(side, side, rgb)
                : ImageWriter.EncodeGeoTiff(new RasterImage(new ImageInfo(ImageFormat.Tiff, side, side, 3, 8), rgb.Select(v => (ushort)v).ToArray())));
            var into = new byte[rgb.Length];
            ImageReader.DecodeRgb8(path, out _, into: into); // first use: codecs and pools warm up

            long before = GC.GetAllocatedBytesForCurrentThread();
            ImageReader.DecodeRgb8(path, out _, into: into);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var bytes = File.ReadAllBytes(path);
            before = GC.GetAllocatedBytesForCurrentThread();
            ImageReader.DecodeRgb8(bytes, name, out _, into: into);
            long inMemory = GC.GetAllocatedBytesForCurrentThread() - before;

            if (name.EndsWith(".tif"))
                // LibTiff.NET allocates small buffers as it reads each strip (about 11 MB here, all under the
                // large-object threshold); the file's bytes and the 16-bit samples the in-memory decode holds are gone.
                Assert.True(allocated < inMemory / 3, $"decoding {name} from its file allocated {allocated:N0} bytes, from memory {inMemory:N0}");
            else
                Assert.True(allocated < 1 << 20, $"decoding {name} into a given array allocated {allocated:N0} bytes (from memory: {inMemory:N0})");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("small.png")]
    [InlineData("large.png")]
    [InlineData("large.jpg")]
    [InlineData("large.tif")]
    public void ReadInfoOfAFile_ReadsTheHeaderOnly_AndAgreesWithTheWholeFile(string name)
    {
        string folder = Directory.CreateTempSubdirectory("read-info-").FullName;
        try
        {
            // Noise does not compress: the large files are over the 1-MB prefix the header read takes.
            int side = name.StartsWith("small") ? 40 : 1200;
            var rgb = new byte[side * side * 3];
            new Random(3).NextBytes(rgb);
            byte[] file = Path.GetExtension(name) switch
            {
                ".png" => ImageWriter.EncodePng(side, side, rgb),
                ".jpg" => ImageWriter.EncodeJpeg(side, side, rgb, quality: 100),
                _ => ImageWriter.EncodeGeoTiff(RasterImage.FromRgb8(side, side, rgb), tiled: true),
            };
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, file);
            Assert.True(name.StartsWith("small") || file.Length > 1 << 20, $"{file.Length} bytes");

            Assert.Equal(ImageReader.ReadInfo(file, name), ImageReader.ReadInfo(path, name));
            // Over the byte limit: refused from the file's length.
            Assert.Equal(Core.Labels.ProblemCode.ImageTooLarge,
                Assert.Throws<ImageDecodeException>(() => ImageReader.ReadInfo(path, name, new ImageLimits(MaxBytes: file.Length - 1))).Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A PNG in grey or with a varying alpha, which ImageWriter does not write.</summary>
    private static byte[] SkiaPng(SkiaSharp.SKColorType colorType, bool alpha)
    {
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(37, 23, colorType, alpha ? SkiaSharp.SKAlphaType.Unpremul : SkiaSharp.SKAlphaType.Opaque));
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++)
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)(x * 6), (byte)(y * 11), (byte)(x + y), alpha ? (byte)(40 + x * 5) : (byte)255));
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
