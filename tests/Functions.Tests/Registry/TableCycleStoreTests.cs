using AutoRetrain.Cloud.Cycles;
using AutoRetrain.Core.Cycles;

namespace AutoRetrain.Functions.Tests.Registry;

public sealed class TableCycleStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);
    private readonly TableCycleStore _store = new(Azurite.Connect().Tables, Azurite.UniqueTablePrefix());

    [Fact]
    public async Task UpsertAsync_TwiceWithNewStatus_GetReturnsTheLatest()
    {
        var record = new CycleRecord { Id = "p-cycle-0001", Project = "p", StartedAt = At, TriggerReasons = ["40 new labelled tiles"] };
        await _store.UpsertAsync(record);
        await _store.UpsertAsync(record with { Status = CycleStatus.Promoted, Metrics = new Dictionary<string, double> { ["mAP50"] = 0.61 } });

        var stored = await _store.GetAsync("p-cycle-0001");

        Assert.Equal(CycleStatus.Promoted, stored!.Status);
        Assert.Equal(0.61, stored.Metrics["mAP50"]);
        Assert.Equal(["40 new labelled tiles"], stored.TriggerReasons);
        Assert.Null(await _store.GetAsync("p-cycle-0404"));
    }

    [Fact]
    public async Task ListAsync_OneProject_OldestFirstAndNoOtherProject()
    {
        await _store.UpsertAsync(new CycleRecord { Id = "p-cycle-0002", Project = "p", StartedAt = At.AddHours(2) });
        await _store.UpsertAsync(new CycleRecord { Id = "p-cycle-0001", Project = "p", StartedAt = At });
        await _store.UpsertAsync(new CycleRecord { Id = "q-cycle-0001", Project = "q", StartedAt = At });

        Assert.Equal(["p-cycle-0001", "p-cycle-0002"], (await _store.ListAsync("p")).Select(c => c.Id));
    }

    [Fact]
    public async Task AppendDecisionAsync_RetriedAppend_IsLoggedOnceInTimeOrder()
    {
        var wait = new DecisionRecord("p", At.AddMinutes(30), false, ["cooldown"]);
        var retrain = new DecisionRecord("p", At, true, ["new data"], "p-cycle-0001");
        await _store.AppendDecisionAsync(wait);
        await _store.AppendDecisionAsync(retrain);
        await _store.AppendDecisionAsync(wait);

        var log = await _store.ListDecisionsAsync("p");

        Assert.Equal([true, false], log.Select(d => d.Retrain));
        Assert.Equal(["new data"], log[0].Reasons);
    }
}
