using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Ports;

/// <summary>
/// What ingestion needs to know of an arrived image, without the domain depending on codecs:
/// whether its bytes announce an image format at all, and its header once every pixel has been
/// decoded (so a truncated or corrupt file is refused at ingestion, not at training).
/// </summary>
public interface IImageInspector
{
    /// <summary>The format announced by the first bytes; null when it is none AutoRetrain reads.</summary>
    ImageFormat? Sniff(ReadOnlySpan<byte> content);

    /// <summary>Decodes the whole image within <paramref name="limits"/>; throws <see cref="ImageDecodeException"/> naming <paramref name="sourceName"/>.</summary>
    ImageInfo Inspect(ReadOnlyMemory<byte> content, string sourceName, ImageLimits limits);
}
