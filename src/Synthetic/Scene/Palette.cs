using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>
/// Colours of the scene. Object palettes deliberately overlap between classes (white cars, white
/// planes, white tanks, white roofs…) so that a detector has to learn shapes, not colours.
/// </summary>
internal static class Palette
{
    public static readonly SKColor[] Cars =
    [
        new(236, 236, 234), new(182, 184, 188), new(36, 36, 40), new(84, 86, 92), new(158, 34, 32),
        new(42, 62, 122), new(204, 194, 164), new(44, 74, 56), new(210, 210, 206), new(120, 124, 130),
    ];

    public static readonly SKColor[] Trucks =
    [
        new(232, 232, 228), new(190, 190, 192), new(160, 40, 36), new(48, 76, 140), new(224, 182, 46),
        new(58, 96, 64), new(96, 98, 104),
    ];

    public static readonly SKColor[] Roofs =
    [
        new(128, 128, 130), new(166, 164, 160), new(162, 84, 62), new(112, 82, 62), new(222, 220, 214),
        new(72, 72, 76), new(92, 102, 118), new(74, 112, 92), new(190, 120, 90),
    ];

    public static readonly SKColor[] Aircraft =
    [
        new(238, 238, 238), new(206, 208, 210), new(150, 152, 156), new(92, 98, 104), new(226, 226, 220),
    ];

    public static readonly SKColor[] Hulls =
    [
        new(44, 46, 52), new(140, 40, 38), new(232, 232, 230), new(128, 130, 136), new(40, 60, 96),
    ];

    public static readonly SKColor[] Decks =
    [
        new(124, 92, 62), new(64, 104, 72), new(150, 60, 50), new(176, 176, 170), new(96, 96, 100),
    ];

    public static readonly SKColor[] Tanks =
    [
        new(234, 234, 230), new(192, 194, 196), new(212, 202, 172), new(70, 88, 70), new(160, 162, 160),
    ];

    public static readonly SKColor[] Helicopters =
    [
        new(82, 92, 62), new(70, 72, 78), new(236, 236, 234), new(172, 40, 40), new(222, 186, 40), new(40, 52, 90),
    ];

    public static readonly SKColor[] Containers =
    [
        new(170, 50, 40), new(40, 80, 150), new(60, 120, 70), new(210, 160, 50), new(200, 200, 196), new(120, 60, 110),
    ];

    /// <summary>A colour moved randomly by up to <paramref name="amount"/> per channel, with a shared brightness shift.</summary>
    public static SKColor Jitter(SKColor colour, SceneRandom random, int amount = 12)
    {
        int shift = random.Int(-amount, amount + 1);
        return new SKColor(
            Clamp(colour.Red + shift + random.Int(-amount / 3, amount / 3 + 1)),
            Clamp(colour.Green + shift + random.Int(-amount / 3, amount / 3 + 1)),
            Clamp(colour.Blue + shift + random.Int(-amount / 3, amount / 3 + 1)),
            colour.Alpha);
    }

    public static SKColor Shade(SKColor colour, float factor) =>
        new(Clamp((int)(colour.Red * factor)), Clamp((int)(colour.Green * factor)), Clamp((int)(colour.Blue * factor)), colour.Alpha);

    public static SKColor Mix(SKColor a, SKColor b, float t) =>
        new(Clamp((int)(a.Red + (b.Red - a.Red) * t)), Clamp((int)(a.Green + (b.Green - a.Green) * t)),
            Clamp((int)(a.Blue + (b.Blue - a.Blue) * t)), 255);

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
