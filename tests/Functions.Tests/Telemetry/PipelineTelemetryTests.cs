using AutoRetrain.Cloud.Telemetry;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Functions.Orchestration;
using AutoRetrain.Functions.Tests.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AutoRetrain.Functions.Tests.Telemetry;

public sealed class PipelineTelemetryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task IngestIncomingBlob_NewTileAndCorruptFile_CountsIngestedAndQuarantinedByReason()
    {
        await using var host = await PipelineTestHost.StartAsync();
        using var recorder = new MeasurementRecorder(host.Metrics.Meter);

        await host.DeliverAsync(await host.UploadAsync("t.png", TestImages.UniquePng()));
        await host.DeliverAsync(await host.UploadAsync("broken.png", [1, 2, 3]));

        Assert.Equal(1, Assert.Single(recorder.Of("autoretrain.tiles.ingested")).Value);
        var quarantined = Assert.Single(recorder.Of("autoretrain.tiles.quarantined"));
        Assert.False(string.IsNullOrEmpty(quarantined.Tags["reason"] as string));
    }

    [Fact]
    public void CycleTelemetry_PromotedCycle_RecordsDurationByStatusAndTheModelsMap()
    {
        using var metrics = new PipelineMetrics();
        using var recorder = new MeasurementRecorder(metrics.Meter);

        CycleTelemetry.Record(metrics, new CycleRecord
        {
            Id = "p-cycle-0003", Project = "p", StartedAt = At, EndedAt = At.AddMinutes(12), Status = CycleStatus.Promoted,
            CandidateModelId = "m-0003", Metrics = new Dictionary<string, double> { ["mAP50"] = 0.57 },
        });
        CycleTelemetry.Record(metrics, new CycleRecord { Id = "p-cycle-0004", Project = "p", StartedAt = At, Status = CycleStatus.Training });

        var duration = Assert.Single(recorder.Of("autoretrain.cycle.duration"));
        Assert.Equal(720, duration.Value);
        Assert.Equal("Promoted", duration.Tags["status"]);
        var map = Assert.Single(recorder.Of("autoretrain.model.promoted.map"));
        Assert.Equal(0.57, map.Value);
        Assert.Equal("m-0003", map.Tags["model_version"]);
    }

    [Fact]
    public void Decision_TwoReasons_OnePointPerReasonWithTheDecision()
    {
        using var metrics = new PipelineMetrics();
        using var recorder = new MeasurementRecorder(metrics.Meter);

        metrics.Decision(retrain: true, ["120 new labelled tiles", "new class: tank"]);
        metrics.Decision(retrain: false, []);

        var points = recorder.Of("autoretrain.decisions");
        Assert.Equal(3, points.Count);
        Assert.Equal(["Retrain", "Retrain", "Wait"], points.Select(p => p.Tags["decision"]));
        Assert.Equal("new class: tank", points[1].Tags["reason"]);
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("", false)]
    [InlineData("Authorization=Key", false)]
    public void CredentialFrom_AuthenticationString_SignsInWithEntraOnlyForAad(string setting, bool expectCredential)
    {
        Assert.Equal(expectCredential, Functions.Telemetry.CredentialFrom(setting) is not null);
    }

    [Fact]
    public void AddAutoRetrainTelemetry_WithConnectionString_BuildsTracerAndMeterProviders()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [Functions.Telemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddAutoRetrainTelemetry(configuration).BuildServiceProvider();

        Assert.NotNull(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetService<TracerProvider>());
    }
}
