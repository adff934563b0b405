namespace AutoRetrain.Core.Labels;

/// <summary>Why an input was refused. The names are stable: they appear in quarantine reason files.</summary>
public enum ProblemCode
{
    EmptyFile,
    TruncatedImage,
    CorruptImage,
    UnsupportedFormat,
    ImageTooLarge,
    MalformedJson,
    MissingField,
    NonFiniteBox,
    NegativeCoordinate,
    OutOfBounds,
    DegenerateBox,
    UnknownClass,
    SizeMismatch,
    UnsafeName,
    ImageNameMismatch,
}

/// <summary>One precise reason, optionally pointing at one object of a label file.</summary>
public sealed record LabelProblem(ProblemCode Code, string Message, int? ObjectIndex = null)
{
    public override string ToString() =>
        ObjectIndex is int i ? $"{Code} (object {i}): {Message}" : $"{Code}: {Message}";
}
