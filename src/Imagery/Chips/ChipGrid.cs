using AutoRetrain.Core;
namespace AutoRetrain.Imagery.Chips;

/// <summary>
/// Cuts a scene larger than the training input into overlapping chips that cover every pixel.
/// Chips step by <c>chipSize - overlap</c>; the last row and column are shifted back inside the
/// scene so that every chip is full size (their overlap with the previous one is then larger).
/// </summary>
public static class ChipGrid
{
    public static IReadOnlyList<Chip> For(int width, int height, int chipSize, int overlap)
    {
        if (width <= 0 || height <= 0)
            throw new AutoRetrainException($"cannot cut chips from a {width}×{height} scene: both sides must be positive.");
        if (chipSize <= 0)
            throw new AutoRetrainException($"chip size must be positive, got {chipSize}.");
        if (overlap < 0 || overlap >= chipSize)
            throw new AutoRetrainException($"chip overlap must be in [0, chip size {chipSize}), got {overlap}.");

        var columns = Starts(width, chipSize, chipSize - overlap);
        var rows = Starts(height, chipSize, chipSize - overlap);
        var chips = new List<Chip>(columns.Count * rows.Count);
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < columns.Count; c++)
                chips.Add(new Chip(r, c, columns[c], rows[r], Math.Min(chipSize, width), Math.Min(chipSize, height)));
        return chips;
    }

    /// <summary>Start offsets along one axis: 0, stride, 2·stride, ... and a last one flush with the end.</summary>
    private static List<int> Starts(int length, int chipSize, int stride)
    {
        if (length <= chipSize) return [0];
        var starts = new List<int>();
        int lastStart = length - chipSize;
        for (int s = 0; s < lastStart; s += stride)
            starts.Add(s);
        starts.Add(lastStart);
        return starts;
    }
}
