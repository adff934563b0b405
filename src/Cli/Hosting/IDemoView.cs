using AutoRetrain.Core.Cycles;
using AutoRetrain.Synthetic;
using AutoRetrain.Local.Training;
using AutoRetrain.Orchestration.Contracts;

namespace AutoRetrain.Cli.Hosting;

/// <summary>What the demo shows as it goes; the console view is one implementation.</summary>
public interface IDemoView
{
    void Info(string message);
    void BatchArrived(StreamBatch batch, TilesRegistered tiles, int quarantined);
    void Decided(DecisionRecord decision);
    void TrainerEvent(TrainerEvent e);
    void CycleEnded(DemoCycle cycle);
}
