using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Core.Snapshots;

public enum Split { Train, Validation }

/// <summary>
/// The train/validation split as a pure function of the tile id, so a tile never moves between
/// splits as the data grows. The first 8 hex digits of the SHA-256 are uniform, so the share of
/// validation tiles converges to the configured fraction.
/// </summary>
public static class SplitAssigner
{
    public const double DefaultValidationFraction = 0.2;

    public static Split For(TileId id, double validationFraction = DefaultValidationFraction)
    {
        if (validationFraction is < 0 or > 1)
            throw new AutoRetrainException($"the validation fraction must be within [0, 1], got {validationFraction}.");
        uint bucket = Convert.ToUInt32(id.Value[..8], 16);
        return bucket < validationFraction * 4294967296.0 ? Split.Validation : Split.Train;
    }
}
