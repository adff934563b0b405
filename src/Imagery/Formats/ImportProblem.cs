namespace AutoRetrain.Imagery.Formats;

/// <summary>One thing an importer could not take as it was: which source file, where in it
/// (a line, an annotation id, a feature), and what is wrong. The import goes on after it.</summary>
public sealed record ImportProblem(string File, string? Where, string Message)
{
    /// <summary>For a console: control characters from the source's names and labels are escaped.</summary>
    public override string ToString() =>
        Core.Ports.StoreKeys.Printable(Where is null ? $"{File}: {Message}" : $"{File}, {Where}: {Message}");
}
