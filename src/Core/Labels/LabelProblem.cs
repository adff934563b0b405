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
    /// <summary>A symbolic link, FIFO, socket or device: never opened, recorded where it lies.</summary>
    NotARegularFile,
    /// <summary>The file may not be read (no read permission, or the open was refused).</summary>
    Unreadable,
    /// <summary>A label file (or another non-image input) above its byte limit, refused before it is read.</summary>
    FileTooLarge,
    /// <summary>Duplicate keys in a JSON object: which value is meant is ambiguous.</summary>
    DuplicateKey,
    /// <summary>An unexpected failure while processing the file (a defect): logged with its stack.</summary>
    ProcessingFailed,
}

/// <summary>One precise reason, optionally pointing at one object of a label file.</summary>
public sealed record LabelProblem(ProblemCode Code, string Message, int? ObjectIndex = null)
{
    public override string ToString() =>
        ObjectIndex is int i ? $"{Code} (object {i}): {Message}" : $"{Code}: {Message}";
}
