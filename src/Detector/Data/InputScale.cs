using AutoRetrain.Core.Labels;

namespace AutoRetrain.Detector.Data;

/// <summary>
/// The resampling between scene pixels and chip pixels (chip pixels per scene pixel), chosen from the labelled
/// objects' sizes when the configuration does not set it, and recorded in the model so prediction cuts its chips at
/// the same scale. At output stride 4 an object under about 10 px falls inside 2–3 heatmap cells and its size is
/// barely learnt: when the smallest tenth of the objects is under <see cref="SmallestObjectPixels"/> the scenes are
/// upsampled so that it reaches it; when the largest objects would not fit half a chip they are downsampled. The scale
/// is rounded so that a chip covers a whole number of scene pixels.
/// <para>Ground sample distance: the objects' pixel sizes choose the training scale, and the training scenes' ground
/// sample distance (<see cref="TrainingGroundSample"/>, when their GeoTIFFs have one) is recorded beside it, so a scene
/// of another resolution is resampled to the metres per chip pixel the model learnt (<see cref="ForScene"/>): a 0.3-m
/// scene for a model trained on 0.6-m scenes is read at half the scale, and its aircraft have the pixel sizes the model
/// knows.</para>
/// </summary>
public static class InputScale
{
    public const double SmallestObjectPixels = 10;
    public const double Min = 0.25;
    public const double Max = 4;

    /// <summary>The chip size when the configuration leaves it to the objects, and the smallest one chosen.</summary>
    public const int DefaultChipSize = 256;

    /// <summary>The largest chip chosen: a chip of 512 px costs four of 256 px, and a scene yields a quarter as many.</summary>
    public const int MaxChipSize = 512;

    /// <summary>Chip sizes chosen are multiples of this (the architecture's total stride).</summary>
    public const int ChipStep = 32;

    /// <summary>The scale for these training objects and chip size; 1 without objects.</summary>
    public static double Choose(IEnumerable<BoundingBox> objects, int chipSize) => Choose(objects, chipSize, null).Scale;

    /// <summary>
    /// The chip size and scale for these training objects. The scale keeps the smallest tenth at
    /// <see cref="SmallestObjectPixels"/> or more and the largest twentieth within half a chip, staying at 1 when both
    /// hold; when no scale does both (objects from 6 to 200 px, say), small objects win. A chip left to choose
    /// (<paramref name="chipSize"/> null) then grows, in steps of <see cref="ChipStep"/> up to <see cref="MaxChipSize"/>,
    /// until the largest objects fit half of it at that scale; otherwise it is <see cref="DefaultChipSize"/>. A scale
    /// given (<paramref name="scale"/>) is kept, and only the chip is chosen for it.
    /// </summary>
    public static (int ChipSize, double Scale) Choose(IEnumerable<BoundingBox> objects, int? chipSize, double? scale)
    {
        var sizes = objects.Where(b => b.Area > 0).Select(b => Math.Sqrt(b.Width * b.Height)).Order().ToArray();
        int chip = chipSize ?? DefaultChipSize;
        if (sizes.Length == 0) return (chip, Quantised(Math.Clamp(scale ?? 1, Min, Max), chip));
        double small = Percentile(sizes, 0.10), large = Percentile(sizes, 0.95);
        double chosen = scale ?? ScaleFor(small, large, chip);
        if (chipSize is null && large * chosen > chip / 2.0)
        {
            chip = Math.Clamp((int)Math.Ceiling(2 * large * chosen / ChipStep) * ChipStep, DefaultChipSize, MaxChipSize);
            chosen = scale ?? ScaleFor(small, large, chip);
        }
        return (chip, Quantised(Math.Clamp(chosen, Min, Max), chip));
    }

    private static double ScaleFor(double small, double large, int chip)
    {
        double up = SmallestObjectPixels / small, down = chip / 2.0 / large;
        return up <= down ? Math.Clamp(1, up, down) : up;
    }

    /// <summary>Within this ratio of the model's ground sample distance a scene is read at the model's own scale.</summary>
    public const double GroundSampleTolerance = 1.1;

    /// <summary>The median ground sample distance (metres) of the tiles that have one, when at least half of them do; else null.</summary>
    public static double? TrainingGroundSample(IReadOnlyList<LabelledTile> tiles)
    {
        var known = tiles.Select(t => t.GroundSampleMetres).OfType<double>().Where(g => g > 0 && double.IsFinite(g)).Order().ToArray();
        return known.Length > 0 && 2 * known.Length >= tiles.Count ? known[known.Length / 2] : null;
    }

    /// <summary>
    /// The scale to read a scene at: the model's, times the scene's ground sample distance over the model's when both are
    /// known and differ by more than <see cref="GroundSampleTolerance"/>; clamped to [<see cref="Min"/>, <see cref="Max"/>]
    /// and quantised like the model's.
    /// </summary>
    public static double ForScene(double modelScale, double? modelGroundSample, double? sceneGroundSample, int chipSize)
    {
        if (modelGroundSample is not > 0 || sceneGroundSample is not > 0) return modelScale;
        double ratio = sceneGroundSample.Value / modelGroundSample.Value;
        if (ratio <= GroundSampleTolerance && ratio >= 1 / GroundSampleTolerance) return modelScale;
        return Quantised(Math.Clamp(modelScale * ratio, Min, Max), chipSize);
    }

    /// <summary>Scene pixels a chip covers at this scale (a whole number).</summary>
    public static int RegionFor(int chipSize, double scale) => Math.Max(1, (int)Math.Round(chipSize / scale));

    /// <summary>The nearest scale at which a chip covers a whole number of scene pixels.</summary>
    public static double Quantised(double scale, int chipSize) => (double)chipSize / RegionFor(chipSize, scale);

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Clamp(Math.Floor(p * (sorted.Length - 1)), 0, sorted.Length - 1)];
}
