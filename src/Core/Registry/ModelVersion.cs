namespace AutoRetrain.Core.Registry;

/// <summary>A trained model in the registry, with its lineage.</summary>
public sealed record ModelVersion
{
    public required string Id { get; init; }
    public string? ParentModelId { get; init; }
    public required string SnapshotId { get; init; }
    public required string CycleId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Class list in head-channel order; a later model only appends to it.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Key of the artefact folder in the <c>models</c> container.</summary>
    public required string ArtifactKey { get; init; }

    public Cycles.TrainingConfig Config { get; init; } = new();
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
