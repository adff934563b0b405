using AutoRetrain.Core.Tiles;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Rasters;

/// <summary>The <see cref="ImageLimits"/> checks every decoder applies to what a header declares.</summary>
internal static class ImageLimitChecks
{
    public static void CheckFileSize(long length, string sourceName, ImageLimits limits)
    {
        if (length > limits.MaxBytes)
            throw new ImageDecodeException(ProblemCode.ImageTooLarge, sourceName,
                $"the file is {length:N0} bytes, more than the {limits.MaxBytes:N0} bytes accepted.");
    }

    public static void CheckPixels(long width, long height, string sourceName, ImageLimits limits)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(ProblemCode.CorruptImage, sourceName,
                $"the header declares an empty {width}×{height} image.");
        if (width * height > limits.MaxPixels)
            throw new ImageDecodeException(ProblemCode.ImageTooLarge, sourceName,
                $"the header declares {width}×{height} = {width * height:N0} pixels, more than the {limits.MaxPixels:N0} accepted " +
                "(a decompression bomb, or a scene to cut into blocks first: `autoretrain import` cuts a larger (Geo)TIFF, `predict` reads one by windows).");
    }
}
