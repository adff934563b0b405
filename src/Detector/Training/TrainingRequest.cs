using AutoRetrain.Core.Sampling;
using AutoRetrain.Detector.Data;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Training;

/// <summary>One training run: data, where the artefact goes, configuration, optional base model and tile weights.</summary>
public sealed record TrainingRequest(TileDataset Data, string OutFolder, TrainerOptions Options, Device Device)
{
    public string? BaseModelFolder { get; init; }
    /// <summary>The sample-weights file's entries; tiles not listed weigh 1 from epoch 0; null samples uniformly.</summary>
    public IReadOnlyList<TileWeight>? TileWeights { get; init; }

    /// <summary>Recorded in the per-tile statistics; the output folder's name when not given.</summary>
    public string? CycleId { get; init; }
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
