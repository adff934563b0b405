using AutoRetrain.Detector.Data;

namespace AutoRetrain.Detector.Artefact;

/// <summary>The <c>model.json</c> beside the TorchSharp weights: everything needed to use or extend the model.</summary>
public sealed record ModelMetadata
{
    public const int CurrentFormat = 1;
    public const string Kind = "autoretrain-centernet";

    public int Format { get; init; } = CurrentFormat;
    public string ModelKind { get; init; } = Kind;
    public required string Architecture { get; init; }
    /// <summary>Class names in head-channel order; a warm start only ever appends.</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    public required int InputSize { get; init; }
    /// <summary>Chip pixels per scene pixel the model was trained at (see <c>InputScale</c>); prediction resamples scenes the same way.
    /// 1 for models written before the field existed.</summary>
    public double InputScale { get; init; } = 1;
    /// <summary>Metres of ground per scene pixel of the training scenes (their median, <c>InputScale.TrainingGroundSample</c>);
    /// prediction resamples a scene of another resolution to it (<c>InputScale.ForScene</c>). Null when unknown.</summary>
    public double? GroundSampleMetres { get; init; }
    public required int OutputStride { get; init; }
    public required Normalisation Normalisation { get; init; }
    public string? SnapshotId { get; init; }
    public string? BaseModel { get; init; }
    public required string CodeVersion { get; init; }
    public int Seed { get; init; }
    public DateTimeOffset TrainedAt { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
