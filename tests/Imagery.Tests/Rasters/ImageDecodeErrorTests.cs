using System.Buffers.Binary;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Tests.Rasters;

public class ImageDecodeErrorTests
{
    /// <summary>The failure decoding <paramref name="bytes"/>; the same file decoded from disk to RGB (the training path:
    /// PNG and JPEG streamed to the codec, TIFF by bands of rows) fails with the same code, naming it too.</summary>
    private static ImageDecodeException DecodeFails(byte[] bytes, string name, ImageLimits? limits = null)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageReader.Decode(bytes, name, limits));
        Assert.Contains(name, error.Message);
        string folder = Directory.CreateTempSubdirectory("decode-fails-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
            var fromFile = Assert.Throws<ImageDecodeException>(() => ImageReader.DecodeRgb8(Path.Combine(folder, name), out _, name, limits));
            Assert.Equal(error.Code, fromFile.Code);
            Assert.Contains(name, fromFile.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return error;
    }

    private static byte[] Png(int w = 64, int h = 64) => ImageWriter.EncodePng(w, h, TestRasters.Rgb8Pattern(w, h));

    [Fact]
    public void Decode_EmptyFile_IsEmptyFile()
    {
        Assert.Equal(ProblemCode.EmptyFile, DecodeFails([], "empty.png").Code);
        Assert.Equal(ProblemCode.EmptyFile, Assert.Throws<ImageDecodeException>(() => ImageReader.ReadInfo(Array.Empty<byte>(), "empty.png")).Code);
    }

    [Fact]
    public void Decode_UnknownMagic_IsUnsupportedFormat()
    {
        var gif = "GIF89a\x01\x00\x01\x00"u8.ToArray();

        Assert.Null(ImageReader.Sniff(gif));
        Assert.Equal(ProblemCode.UnsupportedFormat, DecodeFails(gif, "anim.gif").Code);
    }

    [Fact]
    public void Decode_PngWithItsLastHalfRemoved_IsTruncated()
    {
        var png = Png(128, 128);

        Assert.Equal(ProblemCode.TruncatedImage, DecodeFails(png[..(png.Length / 2)], "half.png").Code);
    }

    [Theory]
    [InlineData("half.png")]
    [InlineData("half.jpg")]
    public void DecodeRgb8_EightBitImageWithItsLastHalfRemoved_IsTruncatedNamingTheFile(string name)
    {
        // Tall enough for the row-by-row decode to run several bands before the data ends.
        var rgb = TestRasters.Rgb8Pattern(400, 3000);
        var file = name.EndsWith(".png") ? ImageWriter.EncodePng(400, 3000, rgb) : ImageWriter.EncodeJpeg(400, 3000, rgb);

        var error = Assert.Throws<ImageDecodeException>(() => ImageReader.DecodeRgb8(file[..(file.Length / 2)], name, out _));
        Assert.Equal(ProblemCode.TruncatedImage, error.Code);
        Assert.Contains(name, error.Message);
        // The same file on disk, streamed to the codec: the same answer, naming the path.
        string path = Path.Combine(Directory.CreateTempSubdirectory("truncated-").FullName, name);
        try
        {
            File.WriteAllBytes(path, file[..(file.Length / 2)]);
            var fromFile = Assert.Throws<ImageDecodeException>(() => ImageReader.DecodeRgb8(path, out _));
            Assert.Equal(ProblemCode.TruncatedImage, fromFile.Code);
            Assert.Contains(path, fromFile.Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Decode_PngCutInsideItsHeader_IsTruncated()
    {
        Assert.Equal(ProblemCode.TruncatedImage, DecodeFails(Png()[..20], "stub.png").Code);
    }

    [Fact]
    public void Decode_JpegWithItsLastHalfRemoved_IsTruncated()
    {
        var jpeg = ImageWriter.EncodeJpeg(128, 128, TestRasters.Rgb8Pattern(128, 128));

        Assert.Equal(ProblemCode.TruncatedImage, DecodeFails(jpeg[..(jpeg.Length / 2)], "half.jpg").Code);
    }

    [Fact]
    public void Decode_TiffWhoseStripsPointPastTheEnd_IsTruncated()
    {
        // LibTiff writes pixel data first and the directory last. A one-band, one-strip, uncompressed
        // image keeps every directory value inline, so dropping most of the strip and moving the directory
        // pointer gives a file whose directory is intact but whose strip runs past the end.
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(64, 16, 1, 8), compression: TiffCompressionKind.None);
        uint directory = BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4));
        var shortened = tiff[..8].Concat(tiff[1008..]).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(shortened.AsSpan(4), directory - 1000);
        Assert.Equal(64, ImageReader.ReadInfo(shortened, "cut.tif").Width);

        Assert.Equal(ProblemCode.TruncatedImage, DecodeFails(shortened, "cut.tif").Code);
    }

    [Fact]
    public void Decode_TiffCutBeforeItsDirectory_IsTruncated()
    {
        var tiff = ImageWriter.EncodeGeoTiff(TestRasters.Pattern(64, 64, 3, 8));
        uint directory = BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4));

        Assert.Equal(ProblemCode.TruncatedImage, DecodeFails(tiff[..(int)(directory / 2)], "cut.tif").Code);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("tif")]
    public void Decode_GarbageAfterAValidMagic_IsCorrupt(string extension)
    {
        byte[] magic = extension switch
        {
            "png" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            "jpg" => [0xFF, 0xD8, 0xFF],
            _ => [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00],
        };
        var random = new Random(7);
        var garbage = new byte[4000];
        random.NextBytes(garbage);
        var bytes = magic.Concat(garbage).ToArray();

        Assert.Equal(ProblemCode.CorruptImage, DecodeFails(bytes, $"noise.{extension}").Code);
    }

    [Fact]
    public void Decode_PngWithDamagedPixelData_IsCorrupt()
    {
        var png = Png(128, 128);
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 10; i < idat + 200; i++) png[i] ^= 0x5A;

        Assert.Equal(ProblemCode.CorruptImage, DecodeFails(png, "damaged.png").Code);
    }

    [Fact]
    public void ReadInfo_PngDeclaringMorePixelsThanTheLimit_IsTooLargeBeforeDecoding()
    {
        // A real 64×64 PNG whose header claims 100,000×100,000: a decompression bomb's signature.
        var png = Png();
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);

        var error = Assert.Throws<ImageDecodeException>(() => ImageReader.ReadInfo(png, "bomb.png"));
        Assert.Equal(ProblemCode.ImageTooLarge, error.Code);
        Assert.Equal(ProblemCode.ImageTooLarge, DecodeFails(png, "bomb.png").Code);
    }

    [Theory]
    [InlineData("tif")]
    [InlineData("jpg")]
    public void Decode_ImageLargerThanTheLimit_IsTooLarge(string extension)
    {
        var bytes = extension == "tif"
            ? ImageWriter.EncodeGeoTiff(TestRasters.Pattern(100, 100, 1, 8))
            : ImageWriter.EncodeJpeg(100, 100, TestRasters.Rgb8Pattern(100, 100));

        Assert.Equal(ProblemCode.ImageTooLarge, DecodeFails(bytes, $"big.{extension}", new ImageLimits(MaxPixels: 9_999)).Code);
    }

    [Fact]
    public void Decode_FileLargerThanTheByteLimit_IsTooLarge()
    {
        Assert.Equal(ProblemCode.ImageTooLarge, DecodeFails(Png(), "heavy.png", new ImageLimits(MaxBytes: 100)).Code);
    }
}
