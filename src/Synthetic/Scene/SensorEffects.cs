using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// What a real sensor adds: optical blur, a gain and offset (haze, exposure), and per-pixel
/// Gaussian noise, in one pass over the pixels. The blur is a small kernel (the centre mixed with
/// its four neighbours), enough for a point-spread of under a pixel and far cheaper than Skia's
/// blur filter. Noise comes from a fixed table indexed by a per-tile generator, which is far faster
/// than drawing three normal variates per pixel.
/// </summary>
internal static class SensorEffects
{
    private static readonly float[] GaussianTable = BuildTable();

    public static byte[] Apply(SKBitmap scene, SceneRandom random)
    {
        int size = scene.Width, stride = scene.RowBytes;
        float blur = random.Range(0.25f, 0.6f), centre = 1 - blur, side = blur / 4;
        float gain = random.Range(0.9f, 1.08f), offset = random.Range(-8f, 8f), noise = random.Range(1.5f, 5f);
        uint state = (uint)random.Int(1, int.MaxValue);
        var rgba = scene.GetPixelSpan();
        var rgb = new byte[size * size * 3];
        for (int y = 0, o = 0; y < size; y++)
        {
            int up = Math.Max(0, y - 1) * stride, down = Math.Min(size - 1, y + 1) * stride, row = y * stride;
            for (int x = 0; x < size; x++, o += 3)
            {
                int here = row + x * 4, left = row + Math.Max(0, x - 1) * 4, right = row + Math.Min(size - 1, x + 1) * 4;
                int above = up + x * 4, below = down + x * 4;
                for (int c = 0; c < 3; c++)
                {
                    float v = centre * rgba[here + c] + side * (rgba[left + c] + rgba[right + c] + rgba[above + c] + rgba[below + c]);
                    state = state * 1664525 + 1013904223;
                    v = v * gain + offset + GaussianTable[state >> 20] * noise;
                    rgb[o + c] = (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
                }
            }
        }
        return rgb;
    }

    private static float[] BuildTable()
    {
        var random = new SceneRandom(12345);
        var table = new float[4096];
        for (int i = 0; i < table.Length; i++) table[i] = random.Gaussian();
        return table;
    }
}
