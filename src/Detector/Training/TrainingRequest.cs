using AutoRetrain.Detector.Data;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>One training run: data, where the artefact goes, configuration, optional base model and tile weights.</summary>
public sealed record TrainingRequest(TileDataset Data, string OutFolder, TrainerOptions Options, Device Device)
{
    public string? BaseModelFolder { get; init; }
    /// <summary>Per-tile sampling weights by tile id; tiles not listed weigh 1; null is uniform.</summary>
    public IReadOnlyDictionary<string, double>? TileWeights { get; init; }
}

/// <summary>What a run produced and how fast it went.</summary>
public sealed record TrainingResult(
    IReadOnlyList<string> Classes,
    double BestValMap50,
    IReadOnlyDictionary<string, double> PerClassAp50,
    int Epochs,
    double TrainSeconds,
    double TrainImagesPerSecond,
    double DataWaitFraction,
    string StopReason);
