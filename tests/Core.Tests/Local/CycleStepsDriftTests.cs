using System.Text;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Policy;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Local;
using AutoRetrain.Local.Tracking;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Core.Tests.Local;

/// <summary>
/// The decision step measures performance drift itself: the champion scored on the labelled tiles it never saw, over
/// the real SQLite ledger, registry and cycle store and the folder store. The model is the one thing the test controls:
/// a predictor that reproduces each tile's labels (a champion that still fits the data) or sees nothing on some tiles.
/// </summary>
public sealed class CycleStepsDriftTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("drift-").FullName;
    private readonly LocalWorkspace _workspace;

    public CycleStepsDriftTests() => _workspace = new LocalWorkspace(_root);

    [Fact]
    public async Task Decide_ChampionBlindOnTheNewTiles_RetrainsForPerformanceDrift()
    {
        var fresh = await SeedAsync();
        var decision = await DecideAsync(new LabelEchoPredictor(_workspace.Store, blind: fresh.ToHashSet()));

        Assert.True(decision.Retrain);
        var reason = Assert.Single(decision.Reasons, r => r.StartsWith("performance drift", StringComparison.Ordinal));
        Assert.Contains("on 30 new tiles vs 0.900 on validation", reason);
        Assert.Single(await _workspace.Cycles.ListDecisionsAsync("p"));
    }

    [Fact]
    public async Task Decide_ChampionStillFitsTheNewTiles_Waits()
    {
        await SeedAsync();
        var decision = await DecideAsync(new LabelEchoPredictor(_workspace.Store, blind: new HashSet<string>()));

        Assert.False(decision.Retrain);
        Assert.DoesNotContain(decision.Reasons, r => r.Contains("drift", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decide_TooFewNewTiles_DoesNotScoreTheChampion()
    {
        await SeedAsync(newTiles: 5);
        var predictor = new LabelEchoPredictor(_workspace.Store, blind: new HashSet<string>());
        var decision = await DecideAsync(predictor);

        Assert.False(decision.Retrain);
        Assert.Equal(0, predictor.Calls);
    }

    [Fact]
    public async Task Decide_OnArrivals_NeverScoresAndUsesTheTimerPathsCachedDrift()
    {
        var fresh = await SeedAsync();
        var predictor = new LabelEchoPredictor(_workspace.Store, blind: fresh.ToHashSet());

        var onArrival = await DecideAsync(predictor, DecisionTrigger.Arrivals);
        Assert.Equal(0, predictor.Calls);
        Assert.DoesNotContain(onArrival.Reasons, r => r.Contains("drift", StringComparison.Ordinal));

        Assert.True((await DecideAsync(predictor, DecisionTrigger.Timer)).Retrain);
        int scored = predictor.Calls;
        Assert.True(scored > 0);

        // Cached per champion and ledger version: neither path scores again.
        var cached = await DecideAsync(predictor, DecisionTrigger.Arrivals);
        await DecideAsync(predictor, DecisionTrigger.Timer);
        Assert.Equal(scored, predictor.Calls);
        Assert.Contains(cached.Reasons, r => r.StartsWith("performance drift", StringComparison.Ordinal));

        // A new labelled tile is a new ledger version: the timer path scores again.
        await AddLabelledTileAsync("late");
        await DecideAsync(predictor, DecisionTrigger.Timer);
        Assert.True(predictor.Calls > scored);
    }

    /// <summary>10 tiles in the champion's snapshot, then <paramref name="newTiles"/> labelled tiles it never saw.</summary>
    private async Task<List<string>> SeedAsync(int newTiles = 30)
    {
        for (int i = 0; i < 10; i++) await AddLabelledTileAsync($"old{i}");
        var (snapshot, _) = await new SnapshotService(_workspace.Store, _workspace.Ledger).FreezeAsync();
        await _workspace.Cycles.UpsertAsync(new CycleRecord
        {
            Id = "p-cycle-0001", Project = "p", StartedAt = Now.AddDays(-1), Status = CycleStatus.Promoted, SnapshotId = snapshot.Id,
            Metrics = new Dictionary<string, double> { [CycleStepsOptions.MainMetric] = 0.9 }, EndedAt = Now.AddDays(-1),
        });
        var registry = new ModelRegistry(_workspace.Registry);
        await registry.RegisterAsync(new ModelVersion
        {
            Id = "m1", SnapshotId = snapshot.Id, CycleId = "p-cycle-0001", CreatedAt = Now.AddDays(-1), Classes = ["plane", "ship"],
            ArtifactKey = "p-cycle-0001/0",
        });
        await registry.PromoteAsync("m1", null, ["first"], Now.AddDays(-1));
        var fresh = new List<string>();
        for (int i = 0; i < newTiles; i++) fresh.Add(await AddLabelledTileAsync($"new{i}"));
        return fresh;
    }

    private async Task<string> AddLabelledTileAsync(string name)
    {
        var id = TileId.Of(Encoding.UTF8.GetBytes(name));
        string imageKey = $"tiles/{id.Value}.png", labelKey = $"labels/{id.Value}.labels.json";
        await _workspace.Ledger.AddTileAsync(new TileRecord
        {
            Id = id, SourceName = name + ".png", ImageKey = imageKey, Image = new ImageInfo(ImageFormat.Png, 64, 64, 3, 8),
            SizeBytes = 1, ArrivedAt = Now.AddHours(-2), Split = name.EndsWith('0') ? Split.Validation : Split.Train,
        });
        var labels = new LabelFile
        {
            Image = name + ".png",
            Objects = [new LabelObject { Class = "plane", Box = [4, 4, 20, 20] }, new LabelObject { Class = "ship", Box = [30, 30, 50, 44] }],
        };
        await _workspace.Store.PutAsync(Containers.Datasets, labelKey, Encoding.UTF8.GetBytes(Json.Serialize(labels)));
        await _workspace.Ledger.SetLabelsAsync(id, "h-" + name, labelKey, new Dictionary<string, int> { ["plane"] = 1, ["ship"] = 1 }, Now.AddHours(-1));
        return id.Value;
    }

    private Task<AutoRetrain.Orchestration.Contracts.RetrainDecision> DecideAsync(IModelPredictor predictor,
        DecisionTrigger trigger = DecisionTrigger.Timer)
    {
        // Only the drift signal can fire: no thresholds on counts, shift or staleness, no cooldown.
        var options = new CycleStepsOptions
        {
            Policy = new RetrainPolicyOptions
            {
                NewTilesThreshold = null, NewTileFractionThreshold = null, RareClassNewObjects = null, ShiftThreshold = null,
                MaxStaleness = null, Cooldown = TimeSpan.Zero, GpuHoursPerWindow = null,
            },
        };
        var steps = new CycleSteps(_workspace.Store, _workspace.Ledger, _workspace.Cycles,
            new LocalProcessTrainingBackend(_workspace, new TrainerLauncher("unused", [])), predictor,
            new MlflowFileStoreTracker(_workspace.MlrunsFolder), _workspace.Registry, _workspace.SampleLedger, options);
        var state = new ManagerState
        {
            Project = "p", ChampionModelId = "m1", CyclesStarted = 1, LastCycleAt = Now.AddDays(-1),
            Pending = new PendingCounts { NewTiles = 30, NewTrainTiles = 27, NewValidationTiles = 3, Batches = 1 },
        };
        return steps.DecideAsync(new DecideInput(state, Now, trigger), CancellationToken.None);
    }

    /// <summary>A model that finds exactly the labelled objects (score 0.9), except on the tiles it is blind to.</summary>
    private sealed class LabelEchoPredictor(IArtifactStore store, IReadOnlySet<string> blind) : IModelPredictor
    {
        public int Calls { get; private set; }

        public async Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default)
        {
            Calls++;
            var result = new List<TilePredictions>();
            foreach (var tile in tiles)
            {
                var labels = Json.Deserialize<LabelFile>(Encoding.UTF8.GetString((await store.GetAsync(Containers.Datasets, tile.LabelKey, ct))!), tile.LabelKey);
                result.Add(new TilePredictions(tile.TileId, blind.Contains(tile.TileId) ? []
                    : labels.Objects.Select(o => new PredictedObject(o.Class, o.Box, 0.9)).ToList()));
            }
            return result;
        }
    }

    public void Dispose()
    {
        _workspace.Database.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
