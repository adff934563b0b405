using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Chips;

/// <summary>
/// One window of a large scene, in scene pixels: columns [X, X + Width), rows [Y, Y + Height).
/// A chip is smaller than <see cref="ChipGrid"/>'s chip size only when the scene itself is smaller;
/// the consumer pads it to the training input.
/// </summary>
public sealed record Chip(int Row, int Column, int X, int Y, int Width, int Height)
{
    /// <summary>The window as a box in scene coordinates.</summary>
    public BoundingBox Window => new(X, Y, X + Width, Y + Height);

    /// <summary>Maps a box in chip coordinates (a prediction on the chip) back to the scene.</summary>
    public BoundingBox ToScene(BoundingBox chipBox) => chipBox.Translate(X, Y);

    /// <summary>Maps a box in scene coordinates into this chip's coordinates (not clipped).</summary>
    public BoundingBox ToChip(BoundingBox sceneBox) => sceneBox.Translate(-X, -Y);

    public override string ToString() => $"chip r{Row} c{Column} at ({X}, {Y}) {Width}×{Height}";
}
