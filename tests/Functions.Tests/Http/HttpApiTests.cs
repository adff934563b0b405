using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Registry;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Functions.Http;
using AutoRetrain.Orchestration.Api;
using AutoRetrain.Orchestration.Steps;
using AutoRetrain.Functions.Tests.Ingestion;

namespace AutoRetrain.Functions.Tests.Http;

public sealed class HttpApiTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetStatus_NothingYet_ManagerNotStartedAndZeroCounts()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var function = new StatusFunction(host.Options, host.Ledger, host.Cycles, SystemClock.Instance);

        var (status, body) = Api.Read(await function.GetStatus(Api.Get(), host.Durable.Client));

        Assert.Equal(200, status);
        Assert.Equal(host.Project, body["project"]!.GetValue<string>());
        Assert.Equal("notStarted", body["manager"]!["state"]!.GetValue<string>());
        Assert.Equal(0, body["tiles"]!["total"]!.GetValue<int>());
        Assert.Null(body["runningCycle"]);
    }

    [Fact]
    public async Task GetStatus_AfterIngestion_ShowsCountsPendingTilesAndTheLastDecisionWithReasons()
    {
        await using var host = await PipelineTestHost.StartAsync();
        await host.DeliverAsync(await host.UploadAsync("s.labels.json", TestImages.Labels("s.png", 64, 48, ("ship", [1, 2, 30, 20]))));
        await host.DeliverAsync(await host.UploadAsync("s.png", TestImages.UniquePng()));
        await host.DeliverAsync(await host.UploadAsync("u.png", TestImages.UniquePng()));
        await host.DeliverAsync(await host.UploadAsync("bad.png", [1, 2, 3, 4]));
        await host.WaitForManagerAsync(s => s.LastDecision is not null);
        var function = new StatusFunction(host.Options, host.Ledger, host.Cycles, SystemClock.Instance);

        var (_, body) = Api.Read(await function.GetStatus(Api.Get(), host.Durable.Client));

        var manager = body["manager"]!;
        Assert.Equal("running", manager["state"]!.GetValue<string>());
        Assert.Equal(1, manager["pending"]!["newTiles"]!.GetValue<int>());
        Assert.Equal(1, manager["pending"]!["newObjectsPerClass"]!["ship"]!.GetValue<int>());
        Assert.Equal("wait", manager["lastDecision"]!.GetValue<string>());
        Assert.Equal("waiting for more data", manager["lastDecisionReasons"]![0]!.GetValue<string>());
        var tiles = body["tiles"]!;
        Assert.Equal(2, tiles["total"]!.GetValue<int>());
        Assert.Equal(1, tiles["labelled"]!.GetValue<int>());
        Assert.Equal(1, tiles["unlabelled"]!.GetValue<int>());
        Assert.Equal(1, tiles["quarantined"]!.GetValue<int>());
        Assert.Single(tiles["quarantinedByCode"]!.AsObject());
    }

    [Fact]
    public async Task PauseThenResume_Accepted_ManagerReportsPausedThenRunning()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var control = new ControlFunctions(host.Options);
        var status = new StatusFunction(host.Options, host.Ledger, host.Cycles, SystemClock.Instance);

        var (code, body) = Api.Read(await control.Pause(Api.Post("""{"reason":"registry maintenance"}"""), host.Durable.Client));
        Assert.Equal(202, code);
        Assert.Equal("pause", body["command"]!.GetValue<string>());
        Assert.Equal("registry maintenance", body["reason"]!.GetValue<string>());
        await host.WaitForManagerAsync(s => s.Paused);
        Assert.Equal("paused", Api.Read(await status.GetStatus(Api.Get(), host.Durable.Client)).Body["manager"]!["state"]!.GetValue<string>());

        Assert.Equal(202, Api.Read(await control.Resume(Api.Post(), host.Durable.Client)).Status);
        await host.WaitForManagerAsync(s => !s.Paused);
        Assert.Equal("running", Api.Read(await status.GetStatus(Api.Get(), host.Durable.Client)).Body["manager"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForceRetrain_Accepted_TheManagerAsksThePolicy()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var control = new ControlFunctions(host.Options);

        var (code, _) = Api.Read(await control.ForceRetrain(Api.Post(), host.Durable.Client));

        Assert.Equal(202, code);
        var manager = await host.WaitForManagerAsync(s => s.LastDecision is not null);
        Assert.Equal(1, manager.SignalsReceived);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"reason": 42}""")]
    [InlineData("[1, 2]")]
    public async Task ForceRetrain_MalformedBody_IsABadRequestAndNothingIsSent(string body)
    {
        await using var host = await PipelineTestHost.StartAsync();

        var (code, answer) = Api.Read(await new ControlFunctions(host.Options).ForceRetrain(Api.Post(body), host.Durable.Client));

        Assert.Equal(400, code);
        Assert.Equal("invalidBody", answer["error"]!["code"]!.GetValue<string>());
        Assert.Null(await host.Manager.GetRuntimeStatusAsync(host.Project));
    }

    [Fact]
    public async Task CyclesListAndDetail_StoredCycles_AreListedOldestFirstAndUnknownIdIsNotFound()
    {
        await using var host = await PipelineTestHost.StartAsync();
        await host.Cycles.UpsertAsync(new CycleRecord
        {
            Id = $"{host.Project}-cycle-0002", Project = host.Project, StartedAt = At.AddHours(1), Status = CycleStatus.Rejected,
            DecisionReasons = ["candidate 0.41 < champion 0.44 + margin"], Metrics = new Dictionary<string, double> { ["mAP50"] = 0.41 },
        });
        await host.Cycles.UpsertAsync(new CycleRecord
        {
            Id = $"{host.Project}-cycle-0001", Project = host.Project, StartedAt = At, Status = CycleStatus.Promoted, TriggerReasons = ["first data"],
        });
        var cycles = new CyclesFunctions(host.Options, host.Cycles);

        var (_, list) = Api.Read(await cycles.ListCycles(Api.Get()));
        var (_, detail) = Api.Read(await cycles.GetCycle(Api.Get(), $"{host.Project}-cycle-0002"));
        var (missing, error) = Api.Read(await cycles.GetCycle(Api.Get(), "nope"));

        Assert.Equal(["promoted", "rejected"], list["cycles"]!.AsArray().Select(c => c!["status"]!.GetValue<string>()));
        Assert.Equal(0.41, list["cycles"]![1]!["map50"]!.GetValue<double>());
        Assert.Equal("candidate 0.41 < champion 0.44 + margin", detail["decisionReasons"]![0]!.GetValue<string>());
        Assert.Equal(404, missing);
        Assert.Equal("cycleNotFound", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListModels_ChampionAndVersions_AreReturnedWithLineage()
    {
        await using var host = await PipelineTestHost.StartAsync();
        await host.Registry.TryAddVersionAsync(Model("m-1", parent: null));
        await host.Registry.TryAddVersionAsync(Model("m-2", parent: "m-1"));
        await host.Registry.TrySetChampionAsync(new ChampionState
        {
            ModelId = "m-2", History = [new ChampionEvent("m-2", ChampionAction.Promoted, At, ["mAP50 +0.05"])],
        }, null);

        var (_, body) = Api.Read(await new ModelsFunction(host.Registry).ListModels(Api.Get()));

        Assert.Equal("m-2", body["championModelId"]!.GetValue<string>());
        Assert.Equal("promoted", body["championHistory"]![0]!["action"]!.GetValue<string>());
        Assert.Equal(["m-1", "m-2"], body["versions"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()));
        Assert.Equal("m-1", body["versions"]![1]!["parentModelId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListQuarantine_WithCodeFilter_CountsAllAndShowsTheMatchingEntries()
    {
        await using var host = await PipelineTestHost.StartAsync();
        await host.Ledger.RecordQuarantineAsync(new QuarantineEntry("k1/a.png", "a.png", "CorruptImage", "bad bytes", At));
        await host.Ledger.RecordQuarantineAsync(new QuarantineEntry("k2/b.labels.json", "b.labels.json", "OutOfBounds", "box 0 outside", At));

        var (_, body) = Api.Read(await new QuarantineFunction(host.Ledger).ListQuarantine(Api.Get("?reasonCode=OutOfBounds")));

        Assert.Equal(2, body["count"]!.GetValue<int>());
        Assert.Equal(1, body["byCode"]!["CorruptImage"]!.GetValue<int>());
        var entry = Assert.Single(body["entries"]!.AsArray());
        Assert.Equal("box 0 outside", entry!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=501")]
    [InlineData("?limit=ten")]
    public async Task TilesToLabel_BadLimit_IsABadRequest(string query)
    {
        await using var host = await PipelineTestHost.StartAsync();
        var (code, body) = Api.Read(await new TilesToLabelFunction(host.Ledger, host.Registry, host.Store).TilesToLabel(Api.Get(query)));
        Assert.Equal(400, code);
        Assert.Equal("invalidLimit", body["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TilesToLabel_NoChampion_IsAConflict()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var (code, body) = Api.Read(await new TilesToLabelFunction(host.Ledger, host.Registry, host.Store).TilesToLabel(Api.Get()));
        Assert.Equal(409, code);
        Assert.Equal("noChampion", body["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TilesToLabel_ChampionWithoutAStoredRanking_EmptyListWithTheReason()
    {
        await using var host = await PipelineTestHost.StartAsync();
        string modelId = $"m-{Guid.NewGuid():N}";
        await host.Registry.TryAddVersionAsync(Model(modelId, null));
        await host.Registry.TrySetChampionAsync(new ChampionState { ModelId = modelId }, null);

        var (code, body) = Api.Read(await new TilesToLabelFunction(host.Ledger, host.Registry, host.Store).TilesToLabel(Api.Get()));

        Assert.Equal(200, code);
        Assert.Equal(modelId, body["modelId"]!.GetValue<string>());
        Assert.Empty(body["tiles"]!.AsArray());
        Assert.Null(body["rankedAt"]);
        Assert.Contains("no ranking is stored", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task TilesToLabel_StoredRanking_ServedMostUncertainFirstWithoutScoringAndWithoutTilesLabelledSince()
    {
        await using var host = await PipelineTestHost.StartAsync();
        var sure = TestTiles.New("sure.png");
        var undecided = TestTiles.New("undecided.png");
        var empty = TestTiles.New("empty.png");
        var labelled = TestTiles.New("labelled.png");
        foreach (var tile in new[] { sure, undecided, empty, labelled }) await host.Ledger.AddTileAsync(tile);
        await host.Ledger.SetLabelsAsync(labelled.Id, new string('a', 64), "labels/aa/x.labels.json", new Dictionary<string, int> { ["ship"] = 1 }, At);
        string modelId = $"m-{Guid.NewGuid():N}";
        await host.Registry.TryAddVersionAsync(Model(modelId, null));
        await host.Registry.TrySetChampionAsync(new ChampionState { ModelId = modelId }, null);
        var predictor = new ScoresByTile(new()
        {
            [sure.Id.Value] = [0.97, 0.02], [undecided.Id.Value] = [0.9, 0.55], [empty.Id.Value] = [], [labelled.Id.Value] = [0.5],
        });
        var ranking = await new LabelRankingStep(host.Store, host.Ledger, host.Registry, predictor).RankAsync(modelId, CancellationToken.None);
        Assert.Equal(3, ranking.Scored);
        Assert.DoesNotContain(labelled.Id.Value, predictor.Asked);
        var function = new TilesToLabelFunction(host.Ledger, host.Registry, host.Store);

        var (code, body) = Api.Read(await function.TilesToLabel(Api.Get("?limit=2")));

        Assert.Equal(200, code);
        Assert.Equal(modelId, body["modelId"]!.GetValue<string>());
        Assert.Equal(ranking.ComputedAt, body["rankedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["undecided.png", "sure.png"], body["tiles"]!.AsArray().Select(t => t!["sourceName"]!.GetValue<string>()));
        Assert.Equal(0.9, body["tiles"]![0]!["uncertainty"]!.GetValue<double>(), 6);

        // Labelled after the ranking: passed over, the next one moves up; the predictor is never asked again.
        await host.Ledger.SetLabelsAsync(undecided.Id, new string('b', 64), "labels/bb/y.labels.json", new Dictionary<string, int> { ["ship"] = 1 }, At);
        (code, body) = Api.Read(await function.TilesToLabel(Api.Get("?limit=2")));
        Assert.Equal(["sure.png", "empty.png"], body["tiles"]!.AsArray().Select(t => t!["sourceName"]!.GetValue<string>()));
        Assert.Equal(1, body["labelledSinceRanking"]!.GetValue<int>());
        Assert.Single(predictor.ModelKeys);

        // A retried ranking step finds the stored ranking and scores nothing.
        var again = await new LabelRankingStep(host.Store, host.Ledger, host.Registry, new ThrowingPredictor()).RankAsync(modelId, CancellationToken.None);
        Assert.Equal(ranking.ComputedAt, again.ComputedAt);
    }

    private static ModelVersion Model(string id, string? parent) => new()
    {
        Id = id, ParentModelId = parent, SnapshotId = "s", CycleId = "c", CreatedAt = At.AddMinutes(id[^1]), Classes = ["ship"], ArtifactKey = id,
    };

    /// <summary>Fails if asked: the API must never score.</summary>
    internal sealed class ThrowingPredictor : IModelPredictor
    {
        public Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default) =>
            throw new InvalidOperationException("the predictor was called");
    }

    /// <summary>A predictor with fixed detection scores per tile (the detector itself is tested in the trainer's project).</summary>
    private sealed class ScoresByTile(Dictionary<string, double[]> scores) : IModelPredictor
    {
        public List<string> ModelKeys { get; } = [];
        public List<string> Asked { get; } = [];

        public Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default)
        {
            ModelKeys.Add(modelKey);
            Asked.AddRange(tiles.Select(t => t.TileId));
            return Task.FromResult<IReadOnlyList<TilePredictions>>([.. tiles.Select(t => new TilePredictions(t.TileId,
                [.. scores.GetValueOrDefault(t.TileId, []).Select(s => new PredictedObject("ship", [0, 0, 8, 8], s))]))]);
        }
    }
}
