using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// Fractal-noise textures rendered once per process and laid over the ground with a random
/// offset: rendering Perlin noise per tile would cost more than the rest of the tile. Each texel is
/// white or black with an alpha that grows with the noise's distance from its mean, so plain
/// source-over blending brightens and darkens the ground symmetrically; Skia's overlay blend
/// did the same at several times the cost.
/// </summary>
internal static class NoiseTextures
{
    public const int Size = 256;

    /// <summary>Fine grain: soil, asphalt and water texture.</summary>
    public static readonly SKImage Grain = Render(0.3f, 2, 3);

    /// <summary>Broad mottling: moisture and vegetation patches across fields.</summary>
    public static readonly SKImage Mottle = Render(0.025f, 3, 11);

    private static SKImage Render(float frequency, int octaves, float seed)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreatePerlinNoiseFractalNoise(frequency, frequency, octaves, seed, new SKSizeI(Size, Size));
            canvas.DrawRect(new SKRect(0, 0, Size, Size), paint);
        }
        var pixels = bitmap.GetPixelSpan().ToArray();
        for (int i = 0; i < pixels.Length; i += 4)
        {
            int deviation = Math.Clamp((pixels[i] - 128) * 2, -255, 255);
            byte alpha = (byte)Math.Abs(deviation);
            byte premultiplied = deviation > 0 ? alpha : (byte)0;   // white × alpha, or black
            pixels[i] = premultiplied; pixels[i + 1] = premultiplied; pixels[i + 2] = premultiplied; pixels[i + 3] = alpha;
        }
        var info = new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var data = SKData.CreateCopy(pixels);
        return SKImage.FromPixels(info, data, info.RowBytes)
            ?? throw new InvalidOperationException("SkiaSharp could not create the noise texture.");
    }

    /// <summary>
    /// Lays a texture over the whole canvas at a random whole-pixel offset, wrapping around. Whole-pixel
    /// copies stay on Skia's plain blending path; a scaled or rotated shader costs several times more.
    /// </summary>
    public static void Overlay(SKCanvas canvas, SKImage texture, SceneRandom random, int tileSize, byte alpha)
    {
        int offsetX = random.Int(0, Size), offsetY = random.Int(0, Size);
        using var paint = new SKPaint { Color = new SKColor(255, 255, 255, alpha) };
        for (int y = -offsetY; y < tileSize; y += Size)
            for (int x = -offsetX; x < tileSize; x += Size)
                canvas.DrawImage(texture, x, y, new SKSamplingOptions(SKFilterMode.Nearest), paint);
    }
}
