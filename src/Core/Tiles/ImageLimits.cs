namespace AutoRetrain.Core.Tiles;

/// <summary>
/// Bounds on what the readers accept, checked from the file length and the header before any
/// pixel buffer is allocated, so a decompression bomb (a tiny file declaring a huge image) is
/// refused instead of exhausting memory.
/// </summary>
/// <param name="MaxPixels">Largest accepted width × height: 128 MP takes a 10,000 × 10,000 scene (issue 13), which is
/// decoded whole (about 10 bytes a pixel for a moment).</param>
/// <param name="MaxBytes">Largest accepted encoded file size in bytes.</param>
public sealed record ImageLimits(long MaxPixels = 128_000_000, long MaxBytes = 512L * 1024 * 1024)
{
    public static readonly ImageLimits Default = new();
}
