using System.Text;
using AutoRetrain.Cli.Hosting;
using AutoRetrain.Core;
using AutoRetrain.Core.Cycles;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Core.Ports;
using AutoRetrain.Local;
using AutoRetrain.Orchestration.Contracts;
using AutoRetrain.Orchestration.Steps;

namespace AutoRetrain.Cli.Tests;

/// <summary>The store is the source of truth: what a restarted local host recovers from it.</summary>
public class RestartRecoveryTests
{
    [Fact]
    public async Task RecoverState_AfterAStopMidCycle_CountsUnfrozenTilesAndResumesTheCycle()
    {
        var workspace = new LocalWorkspace(Path.Combine(Path.GetTempPath(), "autoretrain-tests", Guid.NewGuid().ToString("N")));
        var ingestion = workspace.CreateIngestion();
        for (int i = 0; i < 5; i++)
        {
            var rgb = new byte[32 * 32 * 3];
            new Random(i).NextBytes(rgb);
            await ingestion.IngestAsync($"t{i}.png", ImageWriter.EncodePng(32, 32, rgb));
            await ingestion.IngestAsync($"t{i}{LabelFile.Suffix}", Encoding.UTF8.GetBytes(Json.Serialize(new LabelFile
            {
                Image = $"t{i}.png", Width = 32, Height = 32, Objects = [LabelObject.Of("ship", new BoundingBox(1, 1, 9, 9))],
            })));
        }
        var request = new CycleRequest("p", "p-cycle-0001", ["first model"], [new TrainingConfig()], null, new ManagerConfig());
        await workspace.Cycles.UpsertAsync(new CycleRecord
        {
            Id = "p-cycle-0001", Project = "p", StartedAt = DateTimeOffset.UtcNow, Status = CycleStatus.Training,
        });
        await workspace.Store.PutAsync(Containers.Runs, CycleKeys.Request("p-cycle-0001"), Encoding.UTF8.GetBytes(Json.Serialize(request)));

        var config = new ManagerConfig { PollInterval = TimeSpan.FromSeconds(3) };
        var state = await LocalPipeline.RecoverStateAsync(workspace, "p", config);

        Assert.Equal(1, state.CyclesStarted);
        Assert.Equal(5, state.Pending.NewTiles);
        Assert.Equal(5, state.Pending.NewObjectsPerClass["ship"]);
        Assert.Equal("p-cycle-0001", state.ResumeCycle!.CycleId);
        Assert.Equal(config, state.ResumeCycle.Config);
        Assert.Null(state.ChampionModelId);
    }
}
