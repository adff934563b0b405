using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Tiles;

/// <summary>
/// An image that cannot be read. <see cref="Code"/> is the machine-readable reason that goes
/// into the quarantine record; the message names the source and what is wrong with it.
/// </summary>
public sealed class ImageDecodeException : AutoRetrainException
{
    public ProblemCode Code { get; }

    public ImageDecodeException(ProblemCode code, string sourceName, string detail, Exception? inner = null)
        : base($"{sourceName}: {detail}", inner ?? new InvalidDataException(detail))
    {
        Code = code;
    }
}
