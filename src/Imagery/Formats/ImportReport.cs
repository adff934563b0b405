namespace AutoRetrain.Imagery.Formats;

/// <summary>What an import did: images copied, sidecars written, objects per class, and everything it
/// refused or skipped, with the reason.</summary>
public sealed record ImportReport(
    ImportFormat Format,
    int ImagesInSource,
    int ImagesCopied,
    int SidecarsWritten,
    IReadOnlyDictionary<string, int> ObjectsPerClass,
    IReadOnlyDictionary<string, int> SkippedObjects,
    IReadOnlyList<ImportProblem> Problems)
{
    public int Objects => ObjectsPerClass.Values.Sum();

    /// <summary>Scenes too large to decode whole that were cut into blocks (<see cref="SceneCutting"/>), and the blocks written.</summary>
    public int ScenesCut { get; init; }
    public int BlocksWritten { get; init; }
}

public enum ImportFormat { Coco, Yolo, Xview, Dota }

/// <summary>Progress of a running import, one report per image.</summary>
public readonly record struct ImportProgress(int Done, int Total, string Current);
