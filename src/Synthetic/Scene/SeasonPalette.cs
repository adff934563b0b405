using AutoRetrain.Core;
using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>Ground colours of one season.</summary>
internal sealed record SeasonPalette(
    SKColor[] Fields, SKColor Water, SKColor Shore, SKColor Asphalt, SKColor Concrete, SKColor Gravel,
    SKColor[] TreeCrowns, byte TreeAlpha, float CropRowContrast)
{
    public static SeasonPalette For(Season season) => season switch
    {
        Season.Summer => new(
            [new(96, 128, 62), new(118, 142, 70), new(80, 112, 56), new(176, 168, 104), new(140, 150, 84), new(124, 106, 74)],
            new(44, 74, 82), new(168, 158, 120), new(78, 80, 84), new(176, 176, 170), new(148, 140, 122),
            [new(44, 78, 40), new(56, 92, 46), new(36, 66, 38)], 255, 0.10f),
        Season.Autumn => new(
            [new(150, 124, 80), new(132, 112, 76), new(118, 122, 70), new(170, 146, 96), new(104, 84, 60), new(140, 132, 88)],
            new(50, 70, 78), new(160, 148, 116), new(76, 76, 80), new(170, 168, 162), new(146, 136, 118),
            [new(160, 92, 40), new(176, 128, 46), new(90, 84, 40), new(120, 60, 34)], 255, 0.14f),
        Season.Winter => new(
            [new(232, 234, 238), new(220, 224, 230), new(210, 212, 216), new(238, 238, 240), new(196, 198, 204)],
            new(54, 64, 76), new(206, 208, 212), new(92, 94, 98), new(200, 202, 206), new(184, 182, 180),
            [new(98, 88, 80), new(40, 58, 46), new(118, 106, 96)], 220, 0.06f),
        Season.Arid => new(
            [new(206, 184, 142), new(194, 168, 126), new(178, 150, 108), new(214, 196, 160), new(160, 150, 100)],
            new(52, 96, 104), new(222, 206, 168), new(90, 86, 82), new(200, 194, 182), new(186, 168, 136),
            [new(90, 100, 60), new(110, 116, 70)], 255, 0.05f),
        _ => throw new AutoRetrainException($"unknown season {season}."),
    };
}
