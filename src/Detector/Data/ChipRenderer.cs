namespace AutoRetrain.Detector.Data;

/// <summary>Cuts one normalised CHW float chip out of an RGB tile through a <see cref="ChipTransform"/>.</summary>
public static class ChipRenderer
{
    /// <summary>Writes 3×size×size floats into <paramref name="destination"/>; pixels outside the tile are 0 before normalisation.</summary>
    public static void Render(byte[] rgb, int width, int height, ChipTransform t, int size, Normalisation norm, Span<float> destination)
    {
        int plane = size * size;
        Span<float> scale = stackalloc float[3];
        Span<float> shift = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            // value = ((p/255·gain − 0.5)·contrast + 0.5 + brightness − mean) / std, folded into one multiply-add.
            float gain = t.ChannelGain[c] * t.Contrast / 255f;
            scale[c] = gain / norm.Std[c];
            shift[c] = ((0.5f - 0.5f * t.Contrast) + t.Brightness - norm.Mean[c]) / norm.Std[c];
        }
        bool identity = t.Scale == 1 && t.OriginX == 0 && t.OriginY == 0 && !t.Flip && t.Rotations == 0;
        for (int j = 0; j < size; j++)
        {
            int sy = identity ? j : (int)Math.Floor(t.OriginY + (j + 0.5) / t.Scale);
            for (int i = 0; i < size; i++)
            {
                int sx = identity ? i : (int)Math.Floor(t.OriginX + (i + 0.5) / t.Scale);
                int dx = i, dy = j;
                if (!identity)
                {
                    var (ox, oy) = t.Orient(i + 0.5, j + 0.5, size);
                    (dx, dy) = ((int)ox, (int)oy);
                }
                int at = dy * size + dx;
                if (sx < 0 || sy < 0 || sx >= width || sy >= height)
                {
                    for (int c = 0; c < 3; c++) destination[c * plane + at] = -norm.Mean[c] / norm.Std[c];
                    continue;
                }
                int src = (sy * width + sx) * 3;
                for (int c = 0; c < 3; c++) destination[c * plane + at] = rgb[src + c] * scale[c] + shift[c];
            }
        }
    }
}
