using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Tiles;

namespace AutoRetrain.Orchestration.Steps;

/// <summary>
/// Every storage key a cycle writes or reads, and the names they are built from: one layout for the Blob containers
/// and the local folders, so the steps, the recovery, the report and the hosts never spell a key themselves.
/// Keys in <see cref="Containers.Runs"/> unless the summary names another container.
/// </summary>
public static class CycleKeys
{
    /// <summary>A candidate's name inside its cycle: <c>{index}-{sampler}</c> (e.g. <c>0-repeat-factor</c>).</summary>
    public static string CandidateName(TrainingConfig config, int index) => $"{index}-{config.Sampler}";

    /// <summary>The registry id of a candidate's model: <c>{cycleId}-{candidate}</c>.</summary>
    public static string ModelId(string cycleId, string candidate) => $"{cycleId}-{candidate}";

    /// <summary>The folder of a candidate's trained model in <see cref="Containers.Models"/>: <c>{cycleId}/{candidate}</c>.</summary>
    public static string Model(string cycleId, string candidate) => $"{cycleId}/{candidate}";

    /// <summary>A file the trainer wrote into a model folder (<see cref="TrainerOutputs"/>), in <see cref="Containers.Models"/>.</summary>
    public static string ModelFile(string modelKey, string file) => $"{modelKey}/{file}";

    /// <summary>The cycle's request (what a restarted host needs to run an interrupted cycle again under the same id).</summary>
    public static string Request(string cycleId) => $"cycles/{cycleId}/request.json";

    /// <summary>The prepared data of a cycle (snapshot and sample-weights keys), written once: a retry trains on it.</summary>
    public static string Prepared(string cycleId) => $"cycles/{cycleId}/prepared.json";

    /// <summary>A candidate's sample-weights file.</summary>
    public static string SampleWeights(string cycleId, string candidate) => $"cycles/{cycleId}/{candidate}/sample-weights.jsonl";

    /// <summary>A candidate's training configuration, as the trainer reads it.</summary>
    public static string TrainingConfig(string cycleId, string candidate) => $"cycles/{cycleId}/{candidate}/training-config.json";

    /// <summary>The marker written once the cycle's tracking run is complete (its content: the run id).</summary>
    public static string TrackingRunMarker(string cycleId) => $"cycles/{cycleId}/mlflow-run-id";

    /// <summary>The snapshot id of a snapshot key (the inverse of <see cref="StoreKeys.Snapshot"/>).</summary>
    public static string SnapshotIdOf(string snapshotKey) => snapshotKey.Split('/')[^1].Replace(".json", "", StringComparison.Ordinal);

    /// <summary>The drift cache entry of a champion on one set of tiles (ids and label hashes).</summary>
    public static string DriftCache(string championId, IEnumerable<string> tileVersions) =>
        $"drift/{championId}/{ContentHash.Of(string.Join('\n', tileVersions.Order(StringComparer.Ordinal)))[..32]}.json";

    /// <summary>The label-next ranking computed for one champion after its promotion (<see cref="LabelRankingStep"/>).</summary>
    public static string LabelRanking(string championId) => $"rankings/{championId}/to-label.json";
}
