using AutoRetrain.Core.Snapshots;

namespace AutoRetrain.Core.Ports;

/// <summary>One predicted object in tile pixel coordinates.</summary>
public sealed record PredictedObject(string Class, double[] Box, double Score);

/// <summary>What a model predicts on one tile.</summary>
public sealed record TilePredictions(string TileId, IReadOnlyList<PredictedObject> Objects);

/// <summary>
/// Runs a registered model on tiles of a snapshot (scoring, drift checks, ranking tiles to label). The local
/// host runs the detector in-process; the cloud host can run the same code in a scoring job.
/// </summary>
public interface IModelPredictor
{
    /// <param name="modelKey">Artefact folder of the model in the <c>models</c> container.</param>
    Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default);
}

/// <summary>File names a training job writes into its output folder (the model artefact).</summary>
public static class TrainerOutputs
{
    /// <summary>Model metadata JSON: classes, architecture, metrics.</summary>
    public const string Metadata = "model.json";

    /// <summary>Per-tile statistics after training, JSON lines of <c>TileTrainingStats</c>.</summary>
    public const string TileStats = "tile-stats.jsonl";

    /// <summary>Per-epoch metrics, JSON lines <c>{"epoch":1,"loss":…,"valMap50":…}</c>.</summary>
    public const string EpochMetrics = "epochs.jsonl";
}
