using AutoRetrain.Core.Cycles;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Orchestration.Tests;

/// <summary>
/// The key layouts are what stores written by earlier versions hold (a restarted host resumes an interrupted cycle from
/// its request.json, the report finds runs by the marker), so they must not drift.
/// </summary>
public class CycleKeysTests
{
    [Fact]
    public void Keys_OfACycle_KeepTheStoredLayout()
    {
        string candidate = CycleKeys.CandidateName(new TrainingConfig { Sampler = "repeat-factor" }, 1);
        Assert.Equal("1-repeat-factor", candidate);
        Assert.Equal("p-cycle-0001-1-repeat-factor", CycleKeys.ModelId("p-cycle-0001", candidate));
        Assert.Equal("p-cycle-0001/1-repeat-factor", CycleKeys.Model("p-cycle-0001", candidate));
        Assert.Equal("p-cycle-0001/1-repeat-factor/model.json", CycleKeys.ModelFile(CycleKeys.Model("p-cycle-0001", candidate), "model.json"));
        Assert.Equal("cycles/p-cycle-0001/request.json", CycleKeys.Request("p-cycle-0001"));
        Assert.Equal("cycles/p-cycle-0001/prepared.json", CycleKeys.Prepared("p-cycle-0001"));
        Assert.Equal("cycles/p-cycle-0001/1-repeat-factor/sample-weights.jsonl", CycleKeys.SampleWeights("p-cycle-0001", candidate));
        Assert.Equal("cycles/p-cycle-0001/1-repeat-factor/training-config.json", CycleKeys.TrainingConfig("p-cycle-0001", candidate));
        Assert.Equal("cycles/p-cycle-0001/mlflow-run-id", CycleKeys.TrackingRunMarker("p-cycle-0001"));
        Assert.Equal("rankings/m-1/to-label.json", CycleKeys.LabelRanking("m-1"));
        Assert.Equal("abc123", CycleKeys.SnapshotIdOf("snapshots/abc123.json"));
    }

    [Fact]
    public void DriftCache_SameTilesInAnyOrder_SameKey_AnotherLabelVersion_AnotherKey()
    {
        string key = CycleKeys.DriftCache("m-1", ["a:1", "b:2"]);
        Assert.StartsWith("drift/m-1/", key);
        Assert.Equal(key, CycleKeys.DriftCache("m-1", ["b:2", "a:1"]));
        Assert.NotEqual(key, CycleKeys.DriftCache("m-1", ["a:1", "b:3"]));
    }
}
