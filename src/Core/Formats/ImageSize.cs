using SkiaSharp;

namespace AutoRetrain.Core.Formats;

/// <summary>
/// The real size of an image the importers copy. Temporary: replaced by
/// AutoRetrain.Core.Imaging.ImageReader.ReadInfo when that lands, so that one header reader serves everything.
/// </summary>
internal static class ImageSize
{
    /// <summary>Width and height, or null with the reason when the bytes are not a readable image.</summary>
    public static (int Width, int Height)? TryRead(byte[] bytes, string sourceName, out string? problem)
    {
        problem = null;
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            problem = $"{sourceName} is not a readable PNG or JPEG image ({bytes.Length} bytes).";
            return null;
        }
        return (codec.Info.Width, codec.Info.Height);
    }
}
