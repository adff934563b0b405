using System.Text;
using AutoRetrain.Cloud.SampleLedger;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using AutoRetrain.Core.Snapshots;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Functions.Http;
using AutoRetrain.Functions.Tests.Http;
using AutoRetrain.Orchestration;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using AutoRetrain.Orchestration.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoRetrain.Functions.Tests.Orchestration;

/// <summary>
/// A whole training cycle through the real steps (<see cref="CycleSteps"/>) over the Azure stores on Azurite, in the
/// in-process Durable host: the promotion leaves a label-next ranking behind, which the HTTP API then serves without
/// running the detector. The trainer (a backend that writes the model's files) and the detector (scores per tile) are
/// the only stand-ins.
/// </summary>
public sealed class LabelRankingCycleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Cycle_Promotes_RankingStoredAndServedWithoutThePredictor()
    {
        await using var host = await PipelineTestHost.StartAsync();
        for (int i = 0; i < 8; i++) await AddLabelledTileAsync(host, $"train{i}.png", i < 6 ? Split.Train : Split.Validation);
        var sure = await AddTileAsync(host, "sure.png");
        var undecided = await AddTileAsync(host, "undecided.png");
        var predictor = new EchoPredictor(host.Store, new()
        {
            [sure.Id.Value] = [0.97], [undecided.Id.Value] = [0.5],
        });
        var request = NewRequest(host);
        var result = await RunCycleAsync(host, predictor, request);

        Assert.True(result.Status == CycleStatus.Promoted, string.Join("; ", result.Reasons));
        string champion = result.ChampionModelId!;
        Assert.Equal(CycleKeys.ModelId(request.CycleId, CycleKeys.CandidateName(request.Candidates[0], 0)), champion);
        // The trainer's model.json, read through its typed contract: a non-finite metric is not registered.
        var registered = (await host.Registry.GetVersionAsync(champion))!;
        Assert.Equal(["ship"], registered.Classes);
        Assert.Equal(0.8, registered.Metrics["valMap50"]);
        Assert.DoesNotContain("loss", registered.Metrics.Keys);
        var ranking = await LabelRankingStep.ReadAsync(host.Store, champion, CancellationToken.None);
        Assert.NotNull(ranking);
        Assert.Equal(["undecided.png", "sure.png"], ranking.Tiles.Select(t => t.SourceName));
        int predictorCalls = predictor.Calls;

        await host.Ledger.SetLabelsAsync(undecided.Id, new string('c', 64), "labels/cc/u.labels.json", new Dictionary<string, int> { ["ship"] = 1 }, At);
        var (code, body) = Api.Read(await new TilesToLabelFunction(host.Ledger, host.Registry, host.Store).TilesToLabel(Api.Get()));

        Assert.Equal(200, code);
        Assert.Equal(champion, body["modelId"]!.GetValue<string>());
        Assert.Equal(ranking.ComputedAt, body["rankedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["sure.png"], body["tiles"]!.AsArray().Select(t => t!["sourceName"]!.GetValue<string>()));
        Assert.Equal(predictorCalls, predictor.Calls);
    }

    [Fact]
    public async Task Cycle_RankingFails_PromotionAndRecordStandWithTheFailureInTheReasons()
    {
        await using var host = await PipelineTestHost.StartAsync();
        for (int i = 0; i < 8; i++) await AddLabelledTileAsync(host, $"train{i}.png", i < 6 ? Split.Train : Split.Validation);
        await AddTileAsync(host, "unlabelled.png");
        var request = NewRequest(host) with { Config = new ManagerConfig { PollInterval = TimeSpan.FromMilliseconds(100), ActivityAttempts = 1 } };

        var result = await RunCycleAsync(host, new EchoPredictor(host.Store, [], failOnUnlabelled: true), request);

        Assert.Equal(CycleStatus.Promoted, result.Status);
        Assert.Contains(result.Reasons, r => r.StartsWith("recording the cycle failed", StringComparison.Ordinal));
        Assert.Equal(CycleStatus.Promoted, (await host.Cycles.GetAsync(request.CycleId))!.Status);
        Assert.Equal(result.ChampionModelId, (await host.Registry.GetChampionAsync()).ModelId);
        Assert.Null(await LabelRankingStep.ReadAsync(host.Store, result.ChampionModelId!, CancellationToken.None));
    }

    private static CycleRequest NewRequest(PipelineTestHost host) =>
        new(host.Project, $"{host.Project}-cycle-{Guid.NewGuid():N}", ["test"],
            [new TrainingConfig { Sampler = "uniform" }], null, new ManagerConfig { PollInterval = TimeSpan.FromMilliseconds(100) });

    /// <summary>Runs one training cycle through the real steps in the in-process Durable host.</summary>
    private static async Task<CycleResult> RunCycleAsync(PipelineTestHost host, IModelPredictor predictor, CycleRequest request)
    {
        var steps = new CycleSteps(host.Store, host.Ledger, host.Cycles, new WritesModelBackend(host.Store), predictor,
            new NoTracker(), host.Registry, new TableSampleLedgerStore(host.Storage.Tables, Azurite.UniqueTablePrefix()), new CycleStepsOptions());
        await using var durable = await SidecarDurableHost.StartInMemoryAsync(r => r.AddAutoRetrain(),
            services => services.AddSingleton<ICycleSteps>(steps), LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)));
        await durable.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TrainingCycleOrchestrator), request,
            new StartOrchestrationOptions { InstanceId = request.CycleId });
        var done = await durable.Client.WaitForInstanceCompletionAsync(request.CycleId, getInputsAndOutputs: true,
            new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<CycleResult>()!;
    }

    private static async Task<TileRecord> AddTileAsync(PipelineTestHost host, string name, Split split = Split.Train)
    {
        var tile = TestTiles.New(name, At) with { Split = split };
        await host.Ledger.AddTileAsync(tile);
        return tile;
    }

    private static async Task AddLabelledTileAsync(PipelineTestHost host, string name, Split split)
    {
        var tile = await AddTileAsync(host, name, split);
        var labels = new LabelFile { Image = name, Objects = [new LabelObject { Class = "ship", Box = [4, 4, 20, 20] }] };
        byte[] bytes = Encoding.UTF8.GetBytes(Json.Serialize(labels));
        string hash = ContentHash.Of(bytes);
        string key = StoreKeys.Labels(hash);
        await host.Store.PutAsync(Containers.Datasets, key, bytes, overwrite: false);
        await host.Ledger.SetLabelsAsync(tile.Id, hash, key, new Dictionary<string, int> { ["ship"] = 1 }, At);
    }

    /// <summary>A trainer that finishes at once, leaving the model's metadata where the cycle reads it.</summary>
    private sealed class WritesModelBackend(IArtifactStore store) : ITrainingBackend
    {
        public async Task<string> SubmitAsync(TrainingJobSpec spec, CancellationToken ct = default)
        {
            var metadata = Encoding.UTF8.GetBytes("""{"classes": ["ship"], "metrics": {"valMap50": 0.8, "loss": "NaN"}}""");
            await store.PutAsync(Containers.Models, CycleKeys.ModelFile(spec.OutputModelKey, TrainerOutputs.Metadata), metadata, overwrite: true, ct);
            return $"job-{spec.CycleId}";
        }

        public Task<TrainingJobStatus> GetStatusAsync(string jobId, CancellationToken ct = default) =>
            Task.FromResult(new TrainingJobStatus(jobId, TrainingJobState.Completed, 1));

        public Task CancelAsync(string jobId, CancellationToken ct = default) => Task.CompletedTask;
    }

    /// <summary>Finds exactly the labelled objects on labelled tiles; on the others, one ship per given score.</summary>
    private sealed class EchoPredictor(IArtifactStore store, Dictionary<string, double[]> unlabelledScores, bool failOnUnlabelled = false) : IModelPredictor
    {
        public int Calls { get; private set; }

        public async Task<IReadOnlyList<TilePredictions>> PredictAsync(string modelKey, IReadOnlyList<SnapshotEntry> tiles, CancellationToken ct = default)
        {
            Calls++;
            var result = new List<TilePredictions>();
            foreach (var tile in tiles)
            {
                if (tile.LabelKey.Length > 0 && await store.GetAsync(Containers.Datasets, tile.LabelKey, ct) is { } bytes)
                {
                    var labels = Json.Deserialize<LabelFile>(Encoding.UTF8.GetString(bytes), tile.LabelKey);
                    result.Add(new TilePredictions(tile.TileId, [.. labels.Objects.Select(o => new PredictedObject(o.Class, o.Box, 0.9))]));
                }
                else if (failOnUnlabelled)
                    throw new InvalidOperationException("scoring the unlabelled tiles failed");
                else
                    result.Add(new TilePredictions(tile.TileId,
                        [.. unlabelledScores.GetValueOrDefault(tile.TileId, []).Select(s => new PredictedObject("ship", [0, 0, 8, 8], s))]));
            }
            return result;
        }
    }

    private sealed class NoTracker : IExperimentTracker
    {
        public Task<string> StartRunAsync(string experiment, string runName, DateTimeOffset startTime, CancellationToken ct = default) =>
            Task.FromResult("run");
        public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken ct = default) => Task.CompletedTask;
        public Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken ct = default) => Task.CompletedTask;
        public Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default) => Task.CompletedTask;
        public Task LogArtifactAsync(string runId, string relativePath, ReadOnlyMemory<byte> content, CancellationToken ct = default) => Task.CompletedTask;
        public Task EndRunAsync(string runId, TrackedRunStatus status, DateTimeOffset endTime, CancellationToken ct = default) => Task.CompletedTask;
    }
}
