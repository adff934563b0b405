namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// The part of the trainer's <c>model.json</c> the cycle reads (classes in head order, the trainer's metrics). The whole
/// contract is <c>AutoRetrain.Detector.Artefact.ModelMetadata</c>, which lives with TorchSharp in the detector; this is
/// the same document deserialised by the same options, so the cycle's hosts need not load the detector to register a model.
/// </summary>
public sealed record TrainedModelMetadata
{
    public IReadOnlyList<string> Classes { get; init; } = [];

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The metrics without the non-finite values a diverged epoch can write (NaN, ±Infinity).</summary>
    public IReadOnlyDictionary<string, double> FiniteMetrics =>
        Metrics.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value);
}
